"""关爱对象与入户走访: residents who need care (tags from the station's list, each a row with its evidence),
how often each is visited, the visits that reach them, major changes that ask a visit soon, who may see
which class of tags (``visibility``) and the month's due list.

A domain beside events, evaluation and toolbox: it builds on intake, grids, residents and below, never on a
sibling; a visit's follow-up event is linked by id to the grid events' register table.
"""

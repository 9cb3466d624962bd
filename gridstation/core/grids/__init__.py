"""The grid register (网格、楼栋与网格力量): grids as a tree with codes and dates, the buildings and units
each covers (and so the grid of every resident's address), the people who serve them in their roles,
the handover between them, and their 民情日志. Below intake and the domains, which ask it for a grid."""

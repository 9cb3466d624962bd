"""Pure rules with no storage: errors, money, ID numbers, pinyin keys, person names, the clock."""

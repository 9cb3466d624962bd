"""工具箱 on screen: lending, returns, reservations, stock-take and the catalogue of tools."""

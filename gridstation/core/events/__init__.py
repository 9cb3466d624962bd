"""Grid events (网格事件): registering, handling, reporting up, assigning, closing, reopening, calling back and mediating the problems grid workers find, and their figures."""

"""网格事件 on screen: the events page, registering and handling an event, 民情日志 and the event lists."""

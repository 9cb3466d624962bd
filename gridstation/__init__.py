"""GridStation 网格服务站: the front counter of a community service station."""

__version__ = "0.1.0"

"""What tests hold: :class:`~configcat_mock.testkit.mock.MockConfigCat`, config import, the flag
builder and flag server, patching httpx, the leak guard and the pytest plugin.

May import every other package of the fake; none of them imports the test kit.
"""

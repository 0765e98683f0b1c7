"""The route walker (tests/test_routes.py): its city, the URL enumeration and the checks."""

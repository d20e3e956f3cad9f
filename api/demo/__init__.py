"""The demo: a small real footage library built without ../shared or the internet."""

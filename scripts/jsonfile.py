"""Writes a JSON file whole or not at all: into PATH.tmp, then renamed,
so that a reader (CI, a later table) never finds half a result.json."""
import json
import os


def write(path, obj, indent=1):
    tmp = path + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=indent)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise

"""What an ONNX file that `hwnas export` wrote says about itself, read with the standard library
only (no onnx or onnxruntime): its `metadata_props` (`hwnasd.space`, `hwnasd.arch`, ...;
protocol/export.md), else its doc_string ("<space> <arch>; batch N, ...", files exported before
the metadata existed).

    from hwnas.onnxmeta import exported_network_info
    exported_network_info("onnx/nb201-369ee0e28f6ae672.onnx")   # {"space": "nb201", "arch": "|...|", "batch": 1}

The ModelProto's top-level fields are walked and the graph (nearly all of the file) is skipped
by its length, so a file of hundreds of MB is read in a few small reads.
"""
import os
import re

__all__ = ["NotAnExport", "model_metadata", "exported_network_info", "onnx_files", "exported_networks"]

_METADATA_PROPS, _PRODUCER_NAME, _DOC_STRING = 14, 2, 6
_DOC = re.compile(r"^(\S+) (\S+); batch (\d+),")


class NotAnExport(ValueError):
    """A file that is not an ONNX model hwnasd exported (or not an ONNX model at all)."""


def _varint(f):
    shift = value = 0
    while True:
        b = f.read(1)
        if not b:
            raise EOFError
        value |= (b[0] & 0x7F) << shift
        if b[0] < 0x80:
            return value
        shift += 7
        if shift > 63:
            raise ValueError("a varint longer than 10 bytes")


def _varint_at(data, i):
    """(value, next index) of the varint at data[i]."""
    value = shift = 0
    while True:
        b = data[i]
        i += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, i
        shift += 7


def _fields(data):
    """(field, bytes) of the length-delimited fields of a small message."""
    out, i = [], 0
    while i < len(data):
        key, i = _varint_at(data, i)
        if key & 7 != 2:
            raise ValueError("unexpected wire type in a metadata entry")
        n, i = _varint_at(data, i)
        out.append((key >> 3, data[i:i + n]))
        i += n
    return out


def model_metadata(path):
    """(metadata_props as a dict, producer_name, doc_string) of the ONNX model at `path`.
    Raises NotAnExport for a file that is not a well-formed ModelProto."""
    props, producer, doc = {}, "", ""
    size = os.path.getsize(path)
    try:
        with open(path, "rb") as f:
            while f.tell() < size:
                key = _varint(f)
                field, wire = key >> 3, key & 7
                if wire == 0:
                    _varint(f)
                elif wire == 2:
                    n = _varint(f)
                    if n > size - f.tell():
                        raise EOFError
                    if field in (_METADATA_PROPS, _PRODUCER_NAME, _DOC_STRING) and n <= 1 << 20:
                        data = f.read(n)
                        if field == _METADATA_PROPS:
                            entry = dict(_fields(data))
                            props[entry.get(1, b"").decode("utf-8")] = entry.get(2, b"").decode("utf-8")
                        elif field == _PRODUCER_NAME:
                            producer = data.decode("utf-8")
                        else:
                            doc = data.decode("utf-8")
                    else:
                        f.seek(n, os.SEEK_CUR)
                elif wire in (1, 5):
                    if (8 if wire == 1 else 4) > size - f.tell():
                        raise EOFError
                    f.seek(8 if wire == 1 else 4, os.SEEK_CUR)
                else:
                    raise ValueError(f"wire type {wire}")
    except (EOFError, ValueError, IndexError, UnicodeDecodeError) as e:
        raise NotAnExport(f"{path}: not a readable ONNX model ({str(e) or 'truncated'})") from None
    return props, producer, doc


def exported_network_info(path):
    """{"space", "arch", "batch"} of an ONNX file hwnasd exported; raises NotAnExport otherwise
    (a samples CSV or a prediction needs each network's architecture)."""
    props, producer, doc = model_metadata(path)
    if "hwnasd.space" in props and "hwnasd.arch" in props:
        return {"space": props["hwnasd.space"], "arch": props["hwnasd.arch"],
                "batch": int(props.get("hwnasd.batch", "1"))}
    m = _DOC.match(doc) if producer == "hwnasd" else None
    if m:
        return {"space": m.group(1), "arch": m.group(2), "batch": int(m.group(3))}
    raise NotAnExport(f"{path}: not exported by hwnasd (no hwnasd.arch metadata), so its architecture is unknown; "
                      "export the architecture with `hwnas export`")


def onnx_files(paths):
    """The ONNX files named by `paths`: a file as it is, a folder as every `*.onnx` in it (sorted).
    Raises FileNotFoundError for a path that is not there or a folder without ONNX files."""
    files = []
    for path in paths:
        if os.path.isdir(path):
            found = sorted(os.path.join(path, n) for n in os.listdir(path) if n.endswith(".onnx"))
            if not found:
                raise FileNotFoundError(f"{path}: a folder with no .onnx files")
            files += found
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return files


def exported_networks(paths):
    """[(file, exported_network_info(file))] of the ONNX files named by `paths` (`onnx_files`):
    what `hwnas measure --onnx` and `hwnas predict --onnx` read. Raises FileNotFoundError or
    NotAnExport naming the first file that fails."""
    return [(f, exported_network_info(f)) for f in onnx_files(paths)]


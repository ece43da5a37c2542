import pickle
import yaml
from yaml import SafeLoader


def load_config(text, blob):
    # ruleid: python-yaml-unsafe-load
    cfg = yaml.load(text)
    # ruleid: python-yaml-unsafe-load
    other = yaml.load(text, Loader=yaml.Loader)
    # ruleid: python-yaml-unsafe-load
    yaml.unsafe_load(text)
    # ok: python-yaml-unsafe-load
    safe = yaml.load(text, Loader=yaml.SafeLoader)
    # ok: python-yaml-unsafe-load
    safe2 = yaml.load(text, Loader=SafeLoader)
    # ok: python-yaml-unsafe-load
    safe3 = yaml.safe_load(text)
    # ruleid: python-pickle-load
    obj = pickle.loads(blob)
    # ok: python-pickle-load
    data = pickle.dumps(obj)
    return cfg, other, safe, safe2, safe3, data


def more_formats(blob, path):
    import marshal

    import jsonpickle
    import torch

    # ruleid: python-jsonpickle-decode
    obj = jsonpickle.decode(blob)
    # ok: python-jsonpickle-decode
    text = jsonpickle.encode(obj)
    # ruleid: python-marshal-load
    code = marshal.loads(blob)
    # ok: python-marshal-load
    raw = marshal.dumps(code)
    # ruleid: python-torch-load-unsafe
    model = torch.load(path)
    # ok: python-torch-load-unsafe
    weights = torch.load(path, weights_only=True)
    return text, raw, model, weights

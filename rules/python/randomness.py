import random
import random as rnd
import secrets
import string
from random import choice


def make_token(user):
    # ruleid: python-weak-random-secret, python-weak-random
    token = "".join(random.choice(string.ascii_letters) for _ in range(32))
    # ruleid: python-weak-random-secret, python-weak-random
    user.reset_code = str(choice(range(100000, 999999)))
    # ruleid: python-weak-random-secret, python-weak-random
    password = "pass" + str(rnd.randint(0, 1000))
    # ruleid: python-weak-random-secret, python-weak-random
    api_key = "%032x" % random.getrandbits(128)
    # ok: python-weak-random-secret
    token2 = secrets.token_urlsafe(32)
    # ok: python-weak-random-secret
    salt = secrets.token_bytes(16)
    # ok: python-weak-random-secret
    # ruleid: python-weak-random
    delay = random.uniform(0.5, 1.5)
    return token, password, api_key, token2, salt, delay


def simulate(items):
    # ruleid: python-weak-random
    random.seed(42)
    # ruleid: python-weak-random
    random.shuffle(items)
    # ok: python-weak-random
    rng = secrets.SystemRandom()
    return rng

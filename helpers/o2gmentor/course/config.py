"""Course settings: a notebook's parameters, else environment variables, else an untracked ``.env``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from dotenv import dotenv_values, find_dotenv

KEYS = ("O2G_MODE", "O2G_HOST", "O2G_LOGIN", "O2G_PASSWORD", "O2G_CA_BUNDLE", "O2G_ADMIN_LOGIN",
        "O2G_ADMIN_PASSWORD", "O2G_SIM_PORT", "O2G_SIM_STATE_DIR")

PASSWORD_PREFIX = "O2G_PASSWORD_"


@dataclass
class Settings:
    mode: str = "sim"
    host: str | None = None
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_bundle: str | None = None
    admin_login: str | None = None
    admin_password: str | None = field(default=None, repr=False)
    sim_port: int = 8443
    passwords: dict[str, str] = field(default_factory=dict, repr=False)

    def password_for(self, login: str) -> str | None:
        """``O2G_PASSWORD_<LOGIN>``, else O2G_PASSWORD / O2G_ADMIN_PASSWORD for the configured logins."""
        named = self.passwords.get(login.upper())
        if named:
            return named
        if login == self.login and self.password:
            return self.password
        if login == self.admin_login and self.admin_password:
            return self.admin_password
        return None


def _dotenv() -> dict[str, str]:
    path = find_dotenv(usecwd=True)
    return {k: v for k, v in dotenv_values(path).items() if v is not None} if path else {}


def load_settings(mode: str | None = None) -> Settings:
    """Resolve the settings; ``mode`` (from a parameters cell) wins over the environment."""
    env = _dotenv()
    env.update({k: os.environ[k] for k in KEYS if os.environ.get(k)})
    env.update({k: v for k, v in os.environ.items() if k.startswith(PASSWORD_PREFIX) and v})
    chosen = (mode or env.get("O2G_MODE") or "sim").strip().lower()
    if chosen not in ("sim", "real"):
        raise ValueError(f"mode must be 'sim' or 'real', not {chosen!r}")
    return Settings(
        mode=chosen,
        host=env.get("O2G_HOST"),
        login=env.get("O2G_LOGIN"),
        password=env.get("O2G_PASSWORD"),
        ca_bundle=env.get("O2G_CA_BUNDLE"),
        admin_login=env.get("O2G_ADMIN_LOGIN"),
        admin_password=env.get("O2G_ADMIN_PASSWORD"),
        sim_port=int(env.get("O2G_SIM_PORT", 8443)),
        passwords={k[len(PASSWORD_PREFIX):].upper(): v for k, v in env.items()
                   if k.startswith(PASSWORD_PREFIX) and v},
    )

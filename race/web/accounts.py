"""Accounts: register (a guest claims their history), log in, log out, change the password.

Passwords are hashed with Argon2id (argon2-cffi) in a real OS thread when the worker is
green, so hashing never stalls the races of the worker. Forms carry CSRF tokens
(Flask-WTF); the session cookie is signed by Flask. After login the cookie holds the
account's player id (``race.identity.session``), and the socket's ``connect`` takes it
over any token. Logout and password change bump the account's session version, so every
copy of its cookie dies, and tell the sockets already open (``race.realtime.recheck``).
"""

from __future__ import annotations

import logging
from datetime import UTC
from datetime import datetime
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import OperationalError
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import EqualTo
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import ValidationError

from race.core.names import clean_name
from race.db import accounts
from race.db.app import db_session
from race.identity import new_guest
from race.identity.session import account_in
from race.identity.session import log_in
from race.identity.session import log_out
from race.identity.session import verified_account
from race.identity.tokens import read_token
from race.web.board import database_down
from race.web.limits import TooMany
from race.web.limits import client_ip
from race.web.limits import name_key
from race.web.limits import spend
from race.web.passwords import MAX_PASSWORD
from race.web.passwords import MIN_PASSWORD
from race.web.passwords import check_password
from race.web.passwords import hash_password
from race.web.passwords import hasher

log = logging.getLogger(__name__)
bp = Blueprint("accounts", __name__)
bp.register_error_handler(OperationalError, database_down)


def _valid_name(_form: Any, field: Any) -> None:
    try:
        field.data = clean_name(field.data)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class LoginForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no type information
    """Username and password."""

    username = StringField("Username", [InputRequired(), Length(max=64)])
    password = PasswordField("Password", [InputRequired(), Length(max=MAX_PASSWORD)])


#: What a new password must be (registering, or changing it).
NEW_PASSWORD = [
    InputRequired(),
    Length(
        min=MIN_PASSWORD,
        max=MAX_PASSWORD,
        message=f"passwords are {MIN_PASSWORD} to {MAX_PASSWORD} characters",
    ),
]


class RegisterForm(FlaskForm):  # type: ignore[misc]
    """A new account for the player this tab plays as (``token``)."""

    username = StringField("Username", [InputRequired(), _valid_name])
    password = PasswordField("Password", NEW_PASSWORD)
    confirm = PasswordField("Repeat the password", [EqualTo("password", "passwords differ")])
    token = HiddenField()


class LogoutForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token."""


class PasswordForm(FlaskForm):  # type: ignore[misc]
    """The current password and a new one, twice."""

    current = PasswordField("Current password", [InputRequired(), Length(max=MAX_PASSWORD)])
    password = PasswordField("New password", NEW_PASSWORD)
    confirm = PasswordField("Repeat it", [EqualTo("password", "passwords differ")])


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    """Create an account for this tab's player, so their results so far become theirs."""
    form = RegisterForm()
    if form.validate_on_submit():
        secret = current_app.config["SECRET_KEY"]
        if form.token.data:
            claim = read_token(secret, form.token.data)
            player = claim.player if claim is not None else None
        else:
            player = new_guest()
        if player is None:
            form.token.errors = ["your session has expired: reload the page"]
        else:
            try:
                _throttle("registers", form.username.data)
                done = _register(player.id, form.username.data, form.password.data)
            except TooMany as exc:
                form.password.errors = [exc.message]
                return _page("register.html", form), 429, exc.headers
            except accounts.AccountError as exc:
                form.username.errors = [exc.message]
            else:
                log_in(session, done.id, str(done.username), done.session_version)
                flash(f"Welcome, {done.username}: your results are now kept in your account.")
                return redirect(url_for("board.profile_page", player_id=done.id))
    return _page("register.html", form)


def _page(template: str, form: FlaskForm, change: PasswordForm | None = None) -> str:
    """Render an account page with its forms and the checked account of this browser."""
    return render_template(
        template,
        form=form,
        logout=LogoutForm(),
        change=change or PasswordForm(),
        account=verified_account(session),
    )


def _throttle(form: str, username: str) -> None:
    """Spend an attempt of the form's budgets, before any password is hashed: this
    address's, then (logging in) this username's from this address, then this username's
    from anywhere; raise ``TooMany`` at the first one spent (the later ones are not).

    The tight per-username limit of a login is per address, so a stranger failing logins
    for a username spends only their own budget, not its owner's; the username's budget
    from anywhere is much larger, against guessing spread over many addresses."""
    address, name = client_ip(), name_key(username)
    spend(f"{form}_per_ip", address, "too many attempts from your address")
    if form == "logins":
        what = "too many attempts for this username from your address"
        spend("logins_per_username_ip", f"{name}|{address}", what)
    spend(f"{form}_per_username", name, "too many attempts for this username")


def _register(player_id: str, username: str, password: str) -> Any:
    db = db_session()
    password_hash = hash_password(password)
    try:
        player = accounts.register(db, player_id, username, password_hash, datetime.now(UTC))
        db.commit()
    except IntegrityError:  # someone took the name between the check and the commit
        db.rollback()
        raise accounts.AccountError("taken", "that username is taken") from None
    except accounts.AccountError:
        db.rollback()
        raise
    return player


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Log in: this browser then plays as the account on every tab."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            _throttle("logins", form.username.data)
        except TooMany as exc:
            form.password.errors = [exc.message]
            return _page("login.html", form), 429, exc.headers
        db = db_session()
        try:  # usernames were cleaned like display names when they were registered
            player = accounts.find(db, clean_name(form.username.data))
        except ValueError:
            player = None
        stored = player.password_hash if player is not None else None
        matches = check_password(stored, form.password.data)  # as slow for an unknown name
        if player is None or not matches:
            form.password.errors = ["wrong username or password"]
        else:
            if stored is not None and hasher.check_needs_rehash(stored):
                accounts.set_password_hash(db, player, hash_password(form.password.data))
                db.commit()
            log_in(session, player.id, str(player.username), player.session_version)
            return redirect(url_for("board.profile_page", player_id=player.id))
    return _page("login.html", form)


@bp.post("/password")
def change_password() -> ResponseReturnValue:
    """Change the password: every other session of the account ends; this one goes on."""
    form = PasswordForm()
    account = verified_account(session)
    if account is None:
        return redirect(url_for("accounts.login"))
    if form.validate_on_submit():
        try:
            _throttle("logins", account.name)
        except TooMany as exc:
            form.current.errors = [exc.message]
            return _page("login.html", LoginForm(), form), 429, exc.headers
        db = db_session()
        player = accounts.find(db, account.name)
        stored = player.password_hash if player is not None else None
        if player is None or not check_password(stored, form.current.data):
            form.current.errors = ["that is not your current password"]
        else:
            version = accounts.change_password(db, player, hash_password(form.password.data))
            db.commit()
            _tell_open_sockets(player.id)
            log_in(session, player.id, str(player.username), version)
            flash("Password changed: every other browser is logged out.")
            return redirect(url_for("accounts.login"))
    return _page("login.html", LoginForm(), form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Log out: this cookie and every copy of it stop working (the page also forgets the
    tab's token)."""
    form = LogoutForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.login"))
    account = account_in(session)
    log_out(session)
    if account is not None:
        try:
            accounts.end_sessions(db_session(), account.player.id)
            db_session().commit()
        except OperationalError as exc:  # this browser is out; copies live until next time
            log.warning("logout of %s: sessions not ended: %s", account.player.id, exc)
        else:
            _tell_open_sockets(account.player.id)
    return redirect(url_for("pages.index"))


def _tell_open_sockets(player_id: str) -> None:
    """Tell the account's sockets already open, on every worker, that their session has
    ended (the hook ``race.realtime.recheck`` registers; each worker also closes them at
    its next re-check, whether this reaches them or not)."""
    hook = current_app.extensions.get("coderace_sessions_ended")
    if hook is None:
        return
    try:
        hook(player_id)
    except Exception as exc:  # the message queue is away: the re-checks still close them
        log.warning("open sockets of %s not told: %s: %s", player_id, type(exc).__name__, exc)


@bp.get("/api/me")
def me_api() -> ResponseReturnValue:
    """Return the logged-in account, or null for a guest."""
    player = verified_account(session)
    return jsonify(None if player is None else {"player_id": player.id, "username": player.name})

"""`flask operator ...`: make and remove operators, reset a lost second factor."""
import click
from flask import current_app
from flask.cli import AppGroup

from helpdesk.accounts.models import User
from helpdesk.accounts.services import AccountError, find_user
from helpdesk.core.clock import utcnow
from helpdesk.core.passwords import MIN_PASSWORD_LENGTH
from helpdesk.extensions import db
from helpdesk.operator import access

operator_cli = AppGroup("operator", help="Operators of the console at /operator.")


@operator_cli.command("create")
@click.argument("email")
@click.option("--name", help="The new account's name (default: the email's local part).")
def create(email, name):
    """Make EMAIL an operator; a new account asks for its password. The second factor is set up at
    the first visit of /operator."""
    with db.database.connection_context():
        password = None
        if find_user(email) is None:
            password = click.prompt("Password for the new account", hide_input=True, confirmation_prompt=True)
            if len(password) < MIN_PASSWORD_LENGTH:
                raise click.ClickException(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
        try:
            user, created = access.create_operator(email, now=utcnow(), name=name, password=password,
                                                   terms_version=current_app.config["TERMS_VERSION"])
        except AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"{user.email} is an operator ({'new account' if created else 'existing account'}); "
               "the second factor is set up at the first visit of /operator")


@operator_cli.command("remove")
@click.argument("email")
def remove(email):
    """Take EMAIL's operator access away (the account stays)."""
    with db.database.connection_context():
        try:
            access.remove_operator(email, now=utcnow())
        except AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"{email} is no longer an operator")


@operator_cli.command("reset-factor")
@click.argument("email")
def reset_factor(email):
    """Forget EMAIL's authenticator and recovery codes (a lost phone): set up again at the next visit."""
    with db.database.connection_context():
        user = find_user(email)
        if user is None or not user.is_operator:
            raise click.ClickException(f"{email} is not an operator.")
        access.reset_factor(user)
    click.echo(f"{email}: second factor reset; console sign-ins ended")


@operator_cli.command("list")
def list_operators():
    """Every operator."""
    with db.database.connection_context():
        for user in User.select().where(User.is_operator).order_by(User.email):
            factor = access.factor_of(user)
            click.echo(f"{user.email} second factor: {'set up' if factor and factor.confirmed_at else 'not set up'}")

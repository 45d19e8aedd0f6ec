"""Console forms: the second factor, and the operator's actions on workspaces, invoices and plans."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class CodeForm(FlaskForm):
    """A 6-digit code from the authenticator app (or, when passing, a recovery code)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])

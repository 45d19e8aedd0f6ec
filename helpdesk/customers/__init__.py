"""Customers: a workspace's end users, their profiles and merging. Pages under /w/<slug>/customers/."""
from flask import Blueprint

bp = Blueprint("customers", __name__, url_prefix="/customers")

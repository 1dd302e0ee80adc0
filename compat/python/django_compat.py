"""Django (Debian's python3-django, psycopg2): migrations with Django's
PostgreSQL schema editor, the ORM, transactions and fixtures, as a Django
project runs them against its database.

Usage: python3 django_compat.py DSN (libpq's key=value form)
"""

import json
import sys
import tempfile

import django
from django.conf import settings
from psycopg2.extensions import parse_dsn

from checks import check, expect, finish

dsn = parse_dsn(sys.argv[1])
settings.configure(
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": dsn["dbname"],
            "USER": dsn["user"],
            "PASSWORD": dsn.get("password", ""),
            "HOST": dsn["host"],
            "PORT": dsn["port"],
            "OPTIONS": {"sslmode": dsn.get("sslmode", "disable")},
        }
    },
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
        "django.contrib.admin",
        "django.contrib.messages",
        "djshop",
    ],
    USE_TZ=True,
    SECRET_KEY="compat",
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import IntegrityError, connection, transaction  # noqa: E402
from django.db.models import Count, Sum  # noqa: E402

from djshop.models import Category, Order, Product, Tag  # noqa: E402


@check("migrate")
def _():
    # contrib's apps and djshop: CREATE TABLE with identity keys,
    # DEFERRABLE INITIALLY DEFERRED foreign keys, *_pattern_ops "_like"
    # indexes, then ALTER TABLE (add, alter type, rename, unique
    # together, drop) around SET CONSTRAINTS ALL IMMEDIATE.
    call_command("migrate", verbosity=0)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM django_migrations WHERE app = 'djshop'")
        expect(c.fetchone()[0] == 2, "both djshop migrations recorded")


@check("introspection")
def _():
    with connection.cursor() as c:
        tables = connection.introspection.table_names(c)
        expect({"djshop_product", "auth_user", "django_migrations"} <= set(tables), f"{tables}")
        cons = connection.introspection.get_constraints(c, "djshop_product")
        kinds = {name: (v["primary_key"], v["unique"], v["foreign_key"], v["check"]) for name, v in cons.items()}
        expect("price_nonneg" in kinds and kinds["price_nonneg"][3], f"check constraint: {kinds}")
        expect(any(v[2] == ("djshop_category", "id") for v in kinds.values()), f"foreign key: {kinds}")
        expect(any(v["columns"] == ["sku"] and v["unique"] for v in cons.values()), f"unique sku: {kinds}")


@check("orm")
def _():
    u = User.objects.create_user("bob", "bob@example.com", "pw")
    root = Category.objects.create(name="root")
    kid = Category.objects.create(name="kid", parent=root)
    p = Product.objects.create(sku="A1", title="Widget", price="9.99", category=kid, data={"a": [1, 2]})
    t = Tag.objects.create(label="new")
    p.tags.add(t)
    Order.objects.create(user=u, product=p, quantity=3)
    expect(list(Product.objects.filter(tags__label="new").values_list("sku", flat=True)) == ["A1"], "m2m join")
    expect(Product.objects.filter(title__icontains="widg").count() == 1, "icontains")
    expect(Product.objects.filter(sku__startswith="A").count() == 1, "startswith")
    expect(list(Product.objects.filter(data__a__contains=[1]).values_list("sku", flat=True)) == ["A1"], "jsonb contains")
    counts = list(Category.objects.annotate(n=Count("products")).order_by("name").values_list("name", "n"))
    expect(counts == [("kid", 1), ("root", 0)], f"annotate: {counts}")
    expect(Order.objects.aggregate(s=Sum("quantity"))["s"] == 3, "aggregate")


@check("transactions")
def _():
    p = Product.objects.get(sku="A1")
    with transaction.atomic():
        Product.objects.select_for_update().filter(pk=p.pk).update(price="10.50")
        try:
            with transaction.atomic():  # a savepoint
                Product.objects.create(sku="B", title="neg", price="-1", category=p.category)
            raise AssertionError("a negative price passed the CHECK constraint")
        except IntegrityError:
            pass
    expect(str(Product.objects.get(pk=p.pk).price) == "10.50", "update kept after the savepoint's rollback")
    try:
        Order.objects.create(user=User.objects.get(username="bob"), product=p, quantity=1)
        raise AssertionError("unique_together let a duplicate in")
    except IntegrityError:
        pass


@check("fixture-forward-reference")
def _():
    # loaddata inserts a child before its parent: the deferred foreign
    # key is checked at COMMIT, then Django's check_constraints (SET
    # CONSTRAINTS ALL IMMEDIATE) runs.
    fx = [
        {"model": "djshop.category", "pk": 100, "fields": {"name": "child100", "parent": 101}},
        {"model": "djshop.category", "pk": 101, "fields": {"name": "parent101", "parent": None}},
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
        json.dump(fx, f)
        f.flush()
        call_command("loaddata", f.name, verbosity=0)
    expect(Category.objects.get(pk=100).parent.name == "parent101", "forward reference loaded")


@check("deferred-violation-at-commit")
def _():
    try:
        with transaction.atomic():
            Category.objects.create(name="orphan", parent_id=999999)
        raise AssertionError("a dangling foreign key committed")
    except IntegrityError:
        pass
    expect(not Category.objects.filter(name="orphan").exists(), "nothing of the failed transaction left")


@check("migrate-zero")
def _():
    call_command("migrate", "djshop", "zero", verbosity=0)
    with connection.cursor() as c:
        expect("djshop_product" not in connection.introspection.table_names(c), "tables dropped")


finish()

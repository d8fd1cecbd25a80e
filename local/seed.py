"""Demo data for the local shop: a small catalogue and a staff account."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

import boto3

from local.provision import REGION, Stack
from shop.catalogue import Product, ProductKind
from shop_aws.dynamodb.products import create_product

STAFF_EMAIL = "staff@preorder-shop.example"
STAFF_PASSWORD = "Staff#Local2026"  # noqa: S105 - a local demo account, printed on start


def demo_catalogue(now: datetime) -> list[Product]:
    closes = (now + timedelta(days=60)).replace(microsecond=0)
    return [
        Product(
            product_id="miku-winter-2027",
            name="Hatsune Miku: Winter Live 2027 (1/7 scale)",
            kind=ProductKind.PREORDER,
            unit_price_cents=18_900,
            release_date="2027-06",
            reservation_limit=3,
            preorder_closes_at=closes,
        ),
        Product(
            product_id="rin-racing-2027",
            name="Racing Rin 2027 (1/7 scale), licensed for Europe only",
            kind=ProductKind.PREORDER,
            unit_price_cents=21_500,
            release_date="2027-08-20",
            reservation_limit=2,
            preorder_closes_at=closes,
            blocked_regions=frozenset({"US", "CA"}),
        ),
        Product(
            product_id="nendoroid-saber",
            name="Nendoroid Saber",
            kind=ProductKind.IN_STOCK,
            unit_price_cents=5_500,
            release_date="2026-09",
            reservation_limit=5,
            stock=40,
        ),
        Product(
            product_id="figma-link",
            name="figma Link (one per order)",
            kind=ProductKind.IN_STOCK,
            unit_price_cents=8_800,
            release_date="2026-10-15",
            reservation_limit=1,
            stock=12,
        ),
    ]


def seed(session: boto3.session.Session, stack: Stack, now: datetime) -> list[Product]:
    """The demo catalogue (on an empty table) and the staff account, as `make run` starts with."""
    products = demo_catalogue(now)
    for product in products:
        create_product(product)
    seed_staff(session, stack)
    return products


def seed_staff(session: boto3.session.Session, stack: Stack) -> None:
    """The staff account, created or put back as it was: its password and its staff group."""
    cognito = session.client("cognito-idp", region_name=REGION)
    pool = stack.ref("UserPool")
    with contextlib.suppress(cognito.exceptions.UsernameExistsException):
        cognito.admin_create_user(
            UserPoolId=pool,
            Username=STAFF_EMAIL,
            UserAttributes=[{"Name": "email", "Value": STAFF_EMAIL}],
            MessageAction="SUPPRESS",
        )
    cognito.admin_set_user_password(UserPoolId=pool, Username=STAFF_EMAIL, Password=STAFF_PASSWORD, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=STAFF_EMAIL, GroupName="staff")

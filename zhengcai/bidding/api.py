"""API of the bidding app."""

from ninja import Router

from zhengcai.accounts.auth import api_auth

router = Router(auth=api_auth(), tags=["bidding"])

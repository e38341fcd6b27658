"""Procurement methods as configuration (design §4 rule 3): `codes` names them, `config` says
what each one is. Import `from zhengcai.methods import config as methods`."""

"""The shop's ordering rules: members, catalogue, checkout and the order lifecycle.

Plain Python with no AWS calls, so the rules read the way the shop's guide does and test fast.
Rule numbers (M2, O3, L4, ...) are those of docs/rules.md.
"""

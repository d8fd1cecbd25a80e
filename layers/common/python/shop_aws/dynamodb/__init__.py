"""The shop's one DynamoDB table, a module per aggregate or concern.

- items: attribute encoding, keys and the table's name
- cursors: the opaque page cursors clients resume listings from
- transactions: one TransactWriteItems, and what its refusal says
- outbox: emails, events and jobs written with the change that decided them
- products, members, carts, orders: each aggregate's items, reads and writes
- order_changes: every change to a placed order, by the name the rules give it
- indexes: the open-orders-per-product and re-settlement-deadline indexes

Item layout and access patterns are in docs/data-model.md. Every state change is a conditional write on
the state it leaves; anything that must happen with it (stock, outbox, index entries) is in the same
transaction.
"""

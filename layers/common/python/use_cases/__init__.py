"""What each entry point of the shop does: read, decide with the rules (package shop), write through the store.

Handlers (functions/<name>/app.py) parse the request, call one use case from here, and answer; the rules
stay plain Python without AWS, the store (shop_aws.dynamodb) knows only how to read and write.
"""

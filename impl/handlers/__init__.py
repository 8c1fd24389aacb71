"""Request handlers, one module per tag of the contract; function = snake_case(operationId)."""

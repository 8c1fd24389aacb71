"""accord's mock server: any OpenAPI 3.0/3.1 document served faithfully and fast.

from accord.mock.app import create_app
app = create_app("spec/openapi.yaml")   # an ASGI app
"""

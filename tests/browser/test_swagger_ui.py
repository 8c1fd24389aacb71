"""Swagger UI on both servers: the mock's /__accord/docs and the service's /ui. "Try it out" is
refused without a key, works after "Authorize", and is answered by the server serving the page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from accord.config import DEV_API_KEY

DOCS = {"mock": "/__accord/docs", "service": "/ui/"}


def authorize(page: Any, key: str) -> None:
    page.click("button.authorize")
    dialog = page.locator(".dialog-ux .modal-ux")
    dialog.locator("input").first.fill(key)
    dialog.locator(".auth-btn-wrapper button.authorize").click()
    dialog.locator(".auth-btn-wrapper button.btn-done, .auth-btn-wrapper button.close-modal").first.click()
    expect(dialog).to_be_hidden()


def try_it_out(page: Any, operation: str, clear: tuple[str, ...] = ()) -> Any:
    """Expand an operation, press "Try it out", empty the `clear` parameters and "Execute";
    returns the operation's block."""
    block = page.locator(f"#{operation}")
    block.locator(".opblock-summary").first.click()
    block.locator("button.try-out__btn").click()
    for name in clear:
        block.locator(f'tr[data-param-name="{name}"] input').fill("")
    block.locator("button.execute").click()
    return block


def status(block: Any) -> Any:
    return block.locator(".live-responses-table tbody .response-col_status").first


def body(block: Any) -> Any:
    return block.locator(".live-responses-table tbody .response-col_description").first


def test_try_it_out_is_refused_then_answered_after_authorize(page: Any, api: tuple[str, str],
                                                               screenshot: Any) -> None:
    name, base = api
    page.goto(base + DOCS[name])
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("model-serving API")
    # The Servers dropdown names the server serving the page (it was empty on the service).
    server = page.locator(".swagger-ui .servers select option").first
    expect(server).to_have_text(re.compile(r"^/ - (accord mock|this service \(accord serve\))$"))

    # Swagger UI fills every parameter with its example and sends it; nothing is cleared here, as a
    # newcomer clears nothing (the contract gives no example to a page cursor or a version pin).
    models = try_it_out(page, "operations-models-listModels")
    expect(status(models)).to_have_text("401")
    expect(body(models)).to_contain_text("/problems/unauthorized")

    authorize(page, DEV_API_KEY)
    models.locator("button.execute").click()
    expect(status(models)).to_have_text("200")
    expect(body(models)).to_contain_text("iris-classifier")
    # Answered by the server serving the page, with the key given to "Authorize".
    assert f"X-API-Key: {DEV_API_KEY}" in models.locator(".curl-command").inner_text()
    assert f"{base}/v1/models" in models.locator(".request-url").inner_text()

    # The request body is the contract's example, sent as pre-filled.
    predict = try_it_out(page, "operations-predictions-predictIris")
    expect(status(predict)).to_have_text("200")
    expect(body(predict)).to_contain_text('"probabilities"')
    screenshot(f"swagger-ui-{name}")

"""web/demo/: the page a web developer writes against the contract, in headless Chromium,
unchanged against the mock and the service (only ?base= differs), always cross-origin."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import expect

from accord.config import DEV_API_KEY

IRIS_FIELDS = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"]


def open_demo(page: Any, demo_url: str, base: str, **params: str) -> None:
    page.goto(f"{demo_url}/index.html?{urlencode({'base': base, **params})}#{urlencode({'key': DEV_API_KEY})}")


def shown_probabilities(page: Any) -> dict[str, float]:
    rows = page.locator("#probabilities tr.probability")
    return {rows.nth(i).locator(".class").inner_text(): float(rows.nth(i).locator(".value").inner_text().rstrip(" %"))
            for i in range(rows.count())}


def test_form_is_generated_from_the_contract_and_a_prediction_shows_its_probabilities(
        page: Any, demo_url: str, api: tuple[str, str], screenshot: Any) -> None:
    name, base = api
    urls: list[str] = []
    refused: list[tuple[str, int]] = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("response", lambda response: refused.append((response.url, response.status))
            if response.status >= 400 else None)
    open_demo(page, demo_url, base, model="iris-classifier")
    expect(page.locator("#connection")).to_contain_text("Connected")
    expect(page.locator("#model option")).to_have_count(5)
    fields = page.locator("#fields .field")
    assert [fields.nth(i).get_attribute("data-name") for i in range(fields.count())] == IRIS_FIELDS
    expect(page.locator("label.field", has_text="sepal length (cm)")).to_contain_text("trained on 4.3 to 7.9")
    assert page.locator("#f-petal_width_cm").get_attribute("max") == "30"

    page.click("#predict")
    expect(page.locator("#prediction")).to_be_visible()
    probabilities = shown_probabilities(page)
    assert probabilities, "no probability rendered"
    assert set(probabilities) <= {"setosa", "versicolor", "virginica"}
    assert page.locator("#label").inner_text() == max(probabilities, key=probabilities.__getitem__)
    assert all(0.0 <= p <= 100.0 for p in probabilities.values())
    if name == "service":
        # A real model: the full distribution over the three classes, summing to 100 % (rounded).
        assert len(probabilities) == 3
        assert abs(sum(probabilities.values()) - 100.0) < 0.5
        assert page.locator("#label").inner_text() == "setosa"
    assert page.locator("#error").is_hidden()
    # The key travels in X-API-Key only: no URL the page asked for (its own included) carries it.
    assert urls and not [url for url in urls if DEV_API_KEY in url]
    # Nothing a developer would read as a bug in the console: no probe for a document that is not
    # there (the servers name theirs in a Link header), no favicon 404.
    assert refused == []
    screenshot(f"demo-predict-{name}")


def test_another_model_gets_its_own_form(page: Any, demo_url: str, api: tuple[str, str]) -> None:
    _, base = api
    open_demo(page, demo_url, base)
    expect(page.locator("#connection")).to_contain_text("Connected")
    page.select_option("#model", "diabetes-progression-regressor")
    expect(page.locator("#fields .field")).to_have_count(10)
    assert page.locator("#f-sex").evaluate("e => e.tagName") == "SELECT"
    page.click("#predict")
    expect(page.locator("#prediction")).to_be_visible()
    assert page.locator("#value").inner_text().split()[0].replace(".", "", 1).lstrip("-").isdigit()


def test_a_key_in_the_pages_query_string_is_not_read(page: Any, demo_url: str, mock_url: str) -> None:
    """The contract never takes a key from a query string, and neither does the page: `?key=` is
    ignored (the development key is used), `#key=` is read."""
    page.goto(f"{demo_url}/index.html?{urlencode({'base': mock_url, 'key': 'not-a-key'})}")
    expect(page.locator("#connection")).to_contain_text("Connected")
    assert page.locator("#api-key").input_value() == DEV_API_KEY


def test_a_bad_key_is_shown_as_a_readable_problem(page: Any, demo_url: str, api: tuple[str, str],
                                                  screenshot: Any) -> None:
    name, base = api
    page.goto(f"{demo_url}/index.html?{urlencode({'base': base})}#key=not-a-key")
    error = page.locator("#error")
    expect(error).to_be_visible()
    expect(error.locator("h2")).to_have_text(re.compile(r"^401 \w"))  # the problem's title, after the status
    expect(error).to_contain_text("The API key was refused")
    expect(page.locator("#connection")).to_have_text("Not connected.")
    screenshot(f"demo-bad-key-{name}")


def test_out_of_bounds_input_marks_the_field_with_the_contracts_message(
        page: Any, demo_url: str, api: tuple[str, str]) -> None:
    _, base = api
    open_demo(page, demo_url, base, model="iris-classifier")
    expect(page.locator("#connection")).to_contain_text("Connected")
    page.fill("#f-petal_width_cm", "-1")
    page.fill("#f-sepal_length_cm", "")
    page.click("#predict")
    error = page.locator("#error")
    expect(error.locator("h2")).to_contain_text("400")
    expect(error.locator(".violations li")).to_have_count(2)
    expect(page.locator('.field.invalid[data-name="petal_width_cm"]')).to_be_visible()
    assert page.locator("#prediction").is_hidden()


def test_batch_job_is_polled_until_it_ends_and_its_results_are_listed(
        page: Any, demo_url: str, service_url: str, screenshot: Any) -> None:
    open_demo(page, demo_url, service_url, model="iris-classifier")
    expect(page.locator("#connection")).to_contain_text("Connected")
    instances = json.loads(page.locator("#job-instances").input_value())
    assert len(instances) == 2  # the contract's example request
    page.click("#predict")
    expect(page.locator("#prediction")).to_be_visible()
    page.click("#submit-job")
    job = page.locator("#job")
    expect(job).to_have_attribute("data-status", "succeeded")
    expect(page.locator("#job-progress")).to_have_text("(2 of 2)")
    rows = page.locator("#job-results tr.result")
    expect(rows).to_have_count(2)
    assert rows.nth(0).locator(".label").inner_text() == "setosa"
    expect(rows.nth(1)).to_contain_text("outside the training range")  # petal_length_cm 9.5 in the example
    assert page.locator("#error").is_hidden()
    screenshot("demo-job-service")


def test_against_the_mock_a_static_running_job_is_polled_then_left_with_a_note(
        page: Any, demo_url: str, mock_url: str) -> None:
    open_demo(page, demo_url, mock_url, model="iris-classifier", maxPolls="2")
    expect(page.locator("#connection")).to_contain_text("Connected")
    page.click("#submit-job")
    expect(page.locator("#job-note")).to_contain_text("Still running after 2 checks")
    expect(page.locator("#job-status")).to_have_text("running")
    assert page.locator("#job-results").is_hidden()
    assert page.locator("#error").is_hidden()


def test_against_the_mock_prefer_chooses_the_finished_job(page: Any, demo_url: str, mock_url: str,
                                                          screenshot: Any) -> None:
    open_demo(page, demo_url, mock_url, model="iris-classifier", jobPrefer="example=succeeded")
    expect(page.locator("#connection")).to_contain_text("Connected")
    page.click("#submit-job")
    expect(page.locator("#job")).to_have_attribute("data-status", "succeeded")
    expect(page.locator("#job-results tr.result")).to_have_count(2)
    screenshot("demo-job-mock")


def test_against_the_stateful_mock_the_job_finishes_by_itself(page: Any, demo_url: str,
                                                              stateful_mock_url: str) -> None:
    open_demo(page, demo_url, stateful_mock_url, model="iris-classifier")
    expect(page.locator("#connection")).to_contain_text("Connected")
    page.click("#submit-job")
    expect(page.locator("#job")).to_have_attribute("data-status", "succeeded")
    expect(page.locator("#job-results tr.result")).to_have_count(2)
    assert page.locator("#job-id").inner_text() != "job_01HZX3K8Q2"  # a job the mock created, not the example
    assert page.locator("#error").is_hidden()

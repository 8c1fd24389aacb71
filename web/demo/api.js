// A small client for the accord contract (spec/openapi.yaml): fetch, the X-API-Key header,
// problem+json errors. Nothing here knows whether it talks to the mock or to the service.

/** An answer the contract calls an error: a problem+json body (RFC 9457) and its status. */
export class ProblemError extends Error {
  constructor(status, problem, requestId) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = "ProblemError";
    this.status = status;
    this.problem = problem || {};
    this.requestId = (problem && problem.request_id) || requestId || null;
  }
}

/** No HTTP answer at all: server down, wrong URL, or the browser refused the answer (CORS). */
export class NetworkError extends Error {
  constructor(url, cause) {
    super(`Could not reach ${url}`);
    this.name = "NetworkError";
    this.url = url;
    this.cause = cause;
  }
}

/** The target of a `rel="service-desc"` link in a Link header (RFC 8288, RFC 8631), or null. */
export function serviceDescription(link) {
  for (const part of (link || "").split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match && /;\s*rel="?([^";]*\s)?service-desc(\s[^";]*)?"?\s*(;|$)/i.test(match[2])) return match[1];
  }
  return null;
}

export function createClient({ baseUrl, apiKey }) {
  const base = baseUrl.replace(/\/+$/, "");

  async function request(method, path, { body, headers = {} } = {}) {
    const url = /^https?:/.test(path) ? path : base + path;
    const init = { method, headers: { Accept: "application/json", ...headers } };
    if (apiKey) init.headers["X-API-Key"] = apiKey;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (cause) {
      throw new NetworkError(url, cause);
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { title: "Unreadable answer", detail: text.slice(0, 200) };
    }
    if (!response.ok) {
      throw new ProblemError(response.status, data, response.headers.get("X-Request-ID"));
    }
    return { status: response.status, headers: response.headers, data, url };
  }

  return {
    base,
    /** The served OpenAPI document, where the server says it is: both answer every request with
     *  `Link: <…>; rel="service-desc"` (RFC 8631), the service naming /openapi.json, the mock
     *  /__accord/openapi.json. Without that header, both places are tried. */
    async contract(explicitUrl) {
      let candidates = [`${base}/openapi.json`, `${base}/__accord/openapi.json`];
      if (explicitUrl) {
        candidates = [explicitUrl];
      } else {
        const described = serviceDescription((await request("GET", "/health/live")).headers.get("Link"));
        if (described) candidates = [new URL(described, `${base}/`).href];
      }
      let last;
      for (const url of candidates) {
        try {
          const { data } = await request("GET", url);
          if (data && (data.openapi || data.swagger)) return data;
        } catch (error) {
          last = error;
        }
      }
      throw last || new Error("no OpenAPI document found");
    },
    listModels: () => request("GET", "/v1/models?limit=100").then((r) => r.data),
    getModel: (id) => request("GET", `/v1/models/${encodeURIComponent(id)}`).then((r) => r.data),
    predict: (id, instances) =>
      request("POST", `/v1/models/${encodeURIComponent(id)}/predict`, { body: { instances } }).then((r) => r.data),
    /** 202 + Location + Retry-After; an Idempotency-Key makes a retried submission safe. */
    async createJob(id, instances, idempotencyKey) {
      const r = await request("POST", `/v1/models/${encodeURIComponent(id)}/prediction-jobs`, {
        body: { instances },
        headers: { "Idempotency-Key": idempotencyKey },
      });
      const location = r.headers.get("Location") || `/v1/prediction-jobs/${r.data.id}`;
      return { job: r.data, location: new URL(location, base + "/").href, retryAfter: retryAfter(r.headers) };
    },
    async getJob(location, prefer) {
      const r = await request("GET", location, { headers: prefer ? { Prefer: prefer } : {} });
      return { job: r.data, retryAfter: retryAfter(r.headers) };
    },
    jobResults: (id) =>
      request("GET", `/v1/prediction-jobs/${encodeURIComponent(id)}/results?limit=100`).then((r) => r.data),
  };
}

/** Retry-After in seconds (RFC 9110 §10.2.3: delay-seconds; the contract never sends a date). */
function retryAfter(headers) {
  const value = Number.parseInt(headers.get("Retry-After") || "", 10);
  return Number.isFinite(value) && value > 0 ? value : null;
}

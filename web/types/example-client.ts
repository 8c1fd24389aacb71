// A typed client for two operations of the contract, written the way a web team would, using only
// the types `make types` generates from spec/ (accord-api.d.ts, git-ignored) and the browser's fetch.
// `tsc -p web/types` checks it against the contract: rename a field in spec/ and this stops compiling.
import type { components, operations, paths } from "./accord-api";

export type IrisFeatures = components["schemas"]["IrisFeatures"];
export type Problem = components["schemas"]["Problem"];
type PredictIris = paths["/v1/models/iris-classifier/predict"]["post"];
export type PredictIrisRequest = PredictIris["requestBody"]["content"]["application/json"];
export type PredictIrisResponse = PredictIris["responses"][200]["content"]["application/json"];
export type PredictionJob = operations["getPredictionJob"]["responses"][200]["content"]["application/json"];

/** A problem+json answer (RFC 9457), kept whole so the page can show `errors` and `request_id`. */
export class ApiProblem extends Error {
  constructor(readonly status: number, readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export class AccordClient {
  constructor(private readonly baseUrl: string, private readonly apiKey: string) {}

  private async send<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.baseUrl.replace(/\/+$/, "") + path, {
      method,
      headers: {
        Accept: "application/json",
        "X-API-Key": this.apiKey,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data: unknown = await response.json();
    if (!response.ok) throw new ApiProblem(response.status, data as Problem);
    return data as T;
  }

  predictIris(request: PredictIrisRequest): Promise<PredictIrisResponse> {
    return this.send("POST", "/v1/models/iris-classifier/predict", request);
  }

  getJob(jobId: string): Promise<PredictionJob> {
    return this.send("GET", `/v1/prediction-jobs/${encodeURIComponent(jobId)}`);
  }
}

/** What a page does with it: the most probable class and its probability, as text. */
export async function describeIris(client: AccordClient, flower: IrisFeatures): Promise<string> {
  const answer = await client.predictIris({ instances: [flower], options: { top_k: 1 } });
  const prediction = answer.predictions[0];
  const top = prediction.probabilities?.[0];
  return top ? `${prediction.label} (${(top.probability * 100).toFixed(1)} %)` : prediction.label;
}

export function isFinished(job: PredictionJob): boolean {
  return job.status === "succeeded" || job.status === "failed" || job.status === "cancelled";
}

export const exampleFlower: IrisFeatures = {
  sepal_length_cm: 5.1,
  sepal_width_cm: 3.5,
  petal_length_cm: 1.4,
  petal_width_cm: 0.2,
};

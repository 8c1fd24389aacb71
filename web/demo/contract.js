// Reads what a form needs from the served OpenAPI document: the typed features of a model's
// predict request (name, type, unit, bounds, training range, example) and the contract's own
// example instances. The contract, not the catalogue, is used because it is what both the mock
// and the service validate requests against.

export function resolve(doc, node, seen = 0) {
  if (!node || typeof node !== "object" || !("$ref" in node)) return node;
  if (seen > 32 || !node.$ref.startsWith("#/")) throw new Error(`cannot follow $ref ${node.$ref}`);
  const target = node.$ref
    .slice(2)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((at, key) => (at == null ? undefined : at[key]), doc);
  if (target === undefined) throw new Error(`dangling $ref ${node.$ref}`);
  return resolve(doc, target, seen + 1);
}

function jsonBody(doc, operation) {
  const body = resolve(doc, operation && operation.requestBody);
  return body && body.content && body.content["application/json"];
}

/** The operation that predicts with `modelId`, or null when the contract has none. */
export function predictOperation(doc, modelId) {
  const item = doc.paths && doc.paths[`/v1/models/${modelId}/predict`];
  return item && item.post ? item.post : null;
}

/** Features of one instance, in the order the contract lists them. */
export function featuresOf(doc, modelId) {
  const operation = predictOperation(doc, modelId);
  if (!operation) throw new Error(`the contract has no predict operation for ${modelId}`);
  const request = resolve(doc, jsonBody(doc, operation).schema);
  const instance = resolve(doc, resolve(doc, request.properties.instances).items);
  const required = new Set(instance.required || []);
  return Object.entries(instance.properties || {}).map(([name, raw]) => {
    const schema = resolve(doc, raw);
    return {
      name,
      type: schema.type,
      enum: schema.enum || null,
      unit: schema["x-unit"] || null,
      minimum: schema.minimum,
      maximum: schema.maximum,
      exclusiveMinimum: schema.exclusiveMinimum === true,
      trainingRange: schema["x-training-range"] || null,
      example: schema.example,
      description: schema.description || "",
      required: required.has(name),
    };
  });
}

/** The instances of the contract's first request example for this model (a ready-made batch). */
export function exampleInstances(doc, modelId) {
  const media = jsonBody(doc, predictOperation(doc, modelId));
  const examples = Object.values((media && media.examples) || {}).map((e) => resolve(doc, e));
  const first = examples.find((e) => e && e.value && Array.isArray(e.value.instances));
  return first ? first.value.instances : [];
}

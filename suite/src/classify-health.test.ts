import { describe, expect, it } from "vitest";
import { classifyHealth, classifyModelsAnswer } from "./classify-health.js";

describe("classifyHealth", () => {
  it.each([
    ["mlxbench, loaded", 200, '{"status":"healthy","model_loaded":true,"model_name":"m"}', "ready"],
    ["mlxbench, loading", 200, '{"status":"healthy","model_loaded":false}', "starting"],
    ["mlxbench, a device down", 200, '{"status":"unhealthy","model_loaded":true}', "starting"],
    ["llama.cpp, ready", 200, '{"status":"ok"}', "ready"],
    [
      "llama.cpp, loading",
      503,
      '{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}',
      "starting",
    ],
    ["mlx_lm.server", 200, '{"status": "ok"}', "ready"],
    ["vLLM / SGLang", 200, "", "ready"],
    ["a proxy asking for a key", 401, '{"error":"unauthorized"}', "failed"],
    ["an explicit error status", 200, '{"status":"error"}', "failed"],
  ] as const)("%s → %s", (_name, status, body, state) => {
    expect(classifyHealth(status, body).state).toBe(state);
  });

  it("says what the server answered, with the error message of a 503", () => {
    const v = classifyHealth(503, '{"error":{"code":503,"message":"Loading model"}}');
    expect(v.detail).toBe("HTTP 503: Loading model");
  });

  it("keeps the model name the mlxbench contract reports", () => {
    expect(classifyHealth(200, '{"status":"healthy","model_name":"qwen"}').modelName).toBe("qwen");
  });
});

describe("classifyModelsAnswer (Ollama has no /health)", () => {
  it("is ready when a model is listed, and names it", () => {
    const v = classifyModelsAnswer(
      200,
      '{"object":"list","data":[{"id":"llama3.2:1b","object":"model","owned_by":"library"}]}',
    );
    expect(v).toMatchObject({ state: "ready", modelName: "llama3.2:1b" });
  });
  it("keeps asking while no model is listed", () => {
    expect(classifyModelsAnswer(200, '{"object":"list","data":[]}').state).toBe("starting");
  });
  it("fails on an answer without a data list, saying so", () => {
    const v = classifyModelsAnswer(200, '{"models":[]}');
    expect(v.state).toBe("failed");
    expect(v.detail).toContain("data list");
  });
});

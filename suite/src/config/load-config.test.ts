import { describe, expect, it } from "vitest";
import { MlxbenchConfigError } from "@mlxbench/proto";
import { defaultConfig, loadConfigFile, parseConfigYaml } from "./load-config.js";

function problemsOf(text: string): MlxbenchConfigError {
  try {
    parseConfigYaml(text, "test.yml");
  } catch (err) {
    if (err instanceof MlxbenchConfigError) return err;
    throw err;
  }
  throw new Error("expected a config error");
}

describe("parseConfigYaml", () => {
  it("gives every key a default", () => {
    const c = parseConfigYaml("", "empty.yml");
    expect(c).toEqual(defaultConfig());
    expect(c.cluster.distributed.api_url).toBe("http://localhost:8100");
    expect(c.cluster.distributed.grpc_target).toBe("localhost:50100");
    expect(c.thresholds.default_pct).toBe(5);
    expect(c.suite.pull_request.quick).toBe(true);
  });

  it("reads the seed's test_prompts tuples and maps", () => {
    const c = parseConfigYaml(
      [
        "test_prompts:",
        '  - ["short", "Hello", 20]',
        "  - name: long",
        "    prompt: Tell me a story",
        "    max_tokens: 150",
        "cluster:",
        "  expected_devices: [mini1, mini2, master]",
        "  single-device:",
        "    api_url: http://localhost:8200",
        "costs:",
        "  per_device_hour: 0.25",
        "thresholds:",
        "  metrics:",
        "    inference.ttft_ms: 10",
      ].join("\n"),
    );
    expect(c.test_prompts).toEqual([
      { name: "short", prompt: "Hello", max_tokens: 20 },
      { name: "long", prompt: "Tell me a story", max_tokens: 150 },
    ]);
    expect(c.cluster["single-device"].api_url).toBe("http://localhost:8200");
    expect(c.thresholds.metrics["inference.ttft_ms"]).toBe(10);
  });

  it.each([
    [
      "an unknown key",
      "cluster:\n  readiness_timeout_s: 5\n  api_urll: x\n",
      "cluster.api_urll",
      3,
      "unknown key",
    ],
    [
      "a wrong type",
      "suite:\n  pull_request:\n    quick: yes please\n",
      "suite.pull_request.quick",
      3,
      "boolean",
    ],
    ["a negative threshold", "thresholds:\n  default_pct: -5\n", "thresholds.default_pct", 2, ">0"],
    [
      "a bad gRPC address",
      "cluster:\n  distributed:\n    grpc_target: http://x:1\n",
      "cluster.distributed.grpc_target",
      3,
      "HOST:PORT",
    ],
    ["a short prompt tuple", "test_prompts:\n  - [a, b]\n", "test_prompts[0]", 2, "object"],
  ])("names the key and line of %s", (_what, text, key, line, fragment) => {
    const err = problemsOf(text);
    expect(err.message).toContain(`${key} (line ${line})`);
    expect(err.message).toContain(fragment);
  });

  it("names the line of a YAML syntax error", () => {
    const err = problemsOf("cluster:\n  model: [unclosed\n");
    expect(err.message).toMatch(/YAML syntax error/);
    expect(err.problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("names a missing file", async () => {
    await expect(loadConfigFile("/nonexistent/.mlxbench.yml")).rejects.toThrow(
      /invalid config \/nonexistent\/\.mlxbench\.yml: \(config\): cannot read file/,
    );
  });
});

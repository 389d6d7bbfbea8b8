import type { Fingerprint } from "@mlxbench/proto";

/** The parts of a fingerprint that decide comparability; versions and option details may differ. */
export const IDENTITY_FIELDS = [
  "hardware",
  "clusterMode",
  "deviceCount",
  "devices",
  "model",
  "suiteOptionsHash",
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

/** Identity fields on which two fingerprints differ; empty when runs are comparable. */
export function diffFingerprintIdentity(a: Fingerprint, b: Fingerprint): IdentityField[] {
  const differing: IdentityField[] = [];
  for (const field of IDENTITY_FIELDS) {
    if (field === "devices") {
      // Device order is how the cluster listed them, not what was measured.
      const left = [...a.devices].sort().join("\u0000");
      const right = [...b.devices].sort().join("\u0000");
      if (left !== right) differing.push(field);
    } else if (a[field] !== b[field]) {
      differing.push(field);
    }
  }
  return differing;
}

export function describeIdentityField(field: IdentityField): string {
  switch (field) {
    case "hardware":
      return "other hardware";
    case "clusterMode":
      return "another cluster mode";
    case "deviceCount":
      return "another device count";
    case "devices":
      return "other devices";
    case "model":
      return "another model";
    case "suiteOptionsHash":
      return "other suite options";
  }
}

import { endianness } from "node:os";
import { TensorCodecError } from "./tensor-codec-error.js";

// The wire carries little-endian element bytes and the codec reinterprets them with typed-array
// views, which use host byte order. Big-endian hosts are not supported: we refuse rather than
// silently byte-swap every value.
const HOST_IS_LITTLE_ENDIAN = endianness() === "LE";

export function assertLittleEndianHost(): void {
  if (!HOST_IS_LITTLE_ENDIAN) {
    throw new TensorCodecError(
      'the tensor codec needs a little-endian host (os.endianness() is "BE"); big-endian is not supported',
    );
  }
}

import { describe, expect, it } from "vitest";
import { MAX_ATTACHMENT_BYTES, readAttachment } from "./attachments";

/** A File that claims `size` bytes without holding them. */
function fileOf(name: string, type: string, size: number): File {
  const file = new File(["x"], name, { type });
  Object.defineProperty(file, "size", { value: size });
  return file;
}

describe("readAttachment", () => {
  it("takes a PDF larger than an image may be (it goes by file id)", async () => {
    const pdf = fileOf("report.pdf", "application/pdf", 40 * 1024 * 1024);
    const read = await readAttachment(pdf);
    expect("rejected" in read).toBe(false);
    const image = fileOf("big.png", "image/png", 40 * 1024 * 1024);
    expect(await readAttachment(image)).toEqual({ rejected: { reason: "size", maxMb: 20 } });
  });

  it("refuses a PDF over its own limit and says the limit", async () => {
    const pdf = fileOf("huge.pdf", "application/pdf", MAX_ATTACHMENT_BYTES.pdf + 1);
    expect(await readAttachment(pdf)).toEqual({ rejected: { reason: "size", maxMb: 50 } });
  });

  it("refuses a type the API does not read", async () => {
    expect(await readAttachment(fileOf("a.zip", "application/zip", 10))).toEqual({
      rejected: { reason: "type" },
    });
  });
});

import { describe, expect, it } from "vitest";
import { escapeHtml, renderMarkdown } from "./render-markdown.js";

describe("renderMarkdown", () => {
  it.each([
    ["# Title", "<h2>Title</h2>"],
    [
      "**bold** and *it* and _also_",
      "<p><strong>bold</strong> and <em>it</em> and <em>also</em></p>",
    ],
    ["a `<b>` span", "<p>a <code>&lt;b&gt;</code> span</p>"],
    ["- one\n- two", "<ul><li>one</li><li>two</li></ul>"],
    ["1. one\n2. two", "<ol><li>one</li><li>two</li></ol>"],
    ["```\n<x> & y\n```", "<pre><code>&lt;x&gt; &amp; y</code></pre>"],
    ["> quoted", "<blockquote><p>quoted</p></blockquote>"],
    ["---", "<hr>"],
    ["line one\nline two", "<p>line one<br>line two</p>"],
  ])("renders %j", (input, html) => {
    expect(renderMarkdown(input)).toBe(html);
  });

  it("renders a GitHub table, keeping an escaped pipe inside its cell", () => {
    const html = renderMarkdown("| a | b |\n| --- | --- |\n| x \\| y | 2 |");
    expect(html).toContain("<th>a</th><th>b</th>");
    expect(html).toContain("<td>x | y</td><td>2</td>");
    expect(html).toContain('<div class="scroll">');
  });

  it("never lets raw HTML through", () => {
    const html = renderMarkdown(
      '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n- <iframe>',
    );
    expect(html).not.toMatch(/<(script|img|iframe)/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("onerror=&quot;alert(2)&quot;");
  });

  it.each([
    ["[x](javascript:alert(1))", false],
    ["[x](JaVaScRiPt:alert(1))", false],
    ["[x](data:text/html,hi)", false],
    ["[x](//evil.example/)", false],
    ["[x](https://github.com/a/b)", true],
    ["[x](/reports/a/b)", true],
    ["[x](files/a.json)", true],
  ])("link %s is a link: %s", (md, linked) => {
    const html = renderMarkdown(md);
    expect(html.includes("<a href=")).toBe(linked);
    expect(html).not.toMatch(/href="(javascript|data)/i);
  });

  it("links a label that is a code span, and shows an image as a link to it", () => {
    // What the PR comment writes: the baseline as [`run-id`](url), charts as ![alt](url).
    expect(renderMarkdown("against [`push-1`](/reports/a/b/runs/push-1) (c0ffee)")).toBe(
      '<p>against <a href="/reports/a/b/runs/push-1" rel="nofollow noopener"><code>push-1</code></a> (c0ffee)</p>',
    );
    const html = renderMarkdown(
      "![ttft: baseline vs this run](https://quickchart.io/chart?c=%7B%7D)",
    );
    expect(html).toBe(
      '<p><a href="https://quickchart.io/chart?c=%7B%7D" rel="nofollow noopener">ttft: baseline vs this run</a></p>',
    );
    expect(html).not.toMatch(/<img/i);
    // A link's syntax inside a code span stays code.
    expect(renderMarkdown("`[x](/y)`")).toBe("<p><code>[x](/y)</code></p>");
  });

  it("keeps emphasis markers inside a link's address out of the markup", () => {
    const html = renderMarkdown("[docs](https://example.com/_a_/*b*)");
    expect(html).toBe(
      '<p><a href="https://example.com/_a_/*b*" rel="nofollow noopener">docs</a></p>',
    );
  });

  it("cannot break out of an attribute with quotes", () => {
    const html = renderMarkdown('[x](https://a.example/"onmouseover="alert(1))');
    expect(html).not.toContain('"onmouseover="');
  });

  it("escapes the five HTML characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });
});

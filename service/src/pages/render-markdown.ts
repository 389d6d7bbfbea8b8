// A small Markdown subset rendered to HTML that is safe by construction: every character of the
// input is escaped first, and only the tags this file writes can appear in the output.

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/** http(s), site-relative and scheme-less relative links; never javascript:, data: or protocol-relative. */
function isSafeHref(href: string): boolean {
  if (/^https?:\/\//i.test(href)) return true;
  if (href.startsWith("//")) return false;
  const colon = href.indexOf(":");
  const boundary = href.search(/[/?#]/);
  return colon === -1 || (boundary !== -1 && boundary < colon);
}

function renderEmphasis(text: string): string {
  let html = escapeHtml(text);
  html = html.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
  html = html.replace(/(^|[^\w*])\*(?!\s)(.+?)\*(?!\w)/g, "$1<em>$2</em>");
  html = html.replace(/(^|[^\w])_(?!\s)(.+?)_(?!\w)/g, "$1<em>$2</em>");
  return html;
}

/**
 * Code spans, and links or images whose label may hold code spans (`[\`push-1\`](url)`), found in
 * one pass so neither splits the other. An image is shown as a link to it: no image tag is written.
 */
const INLINE = /`([^`]+)`|(!?)\[((?:`[^`]*`|[^\]`])+)\]\(([^)\s]+)\)/g;

/** Code spans and emphasis of a link's label (a label holds no links). */
function renderLabel(label: string): string {
  return label
    .split(/(`[^`]+`)/)
    .map((part) =>
      part.length > 2 && part.startsWith("`") && part.endsWith("`")
        ? `<code>${escapeHtml(part.slice(1, -1))}</code>`
        : renderEmphasis(part),
    )
    .join("");
}

/** Inline Markdown of one line: code spans, links (and images, as links), bold, italics. */
function renderInline(text: string): string {
  let html = "";
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    html += renderEmphasis(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, code, , label = "", href = ""] = m;
    if (code !== undefined) {
      html += `<code>${escapeHtml(code)}</code>`;
      continue;
    }
    html += isSafeHref(href)
      ? `<a href="${escapeHtml(href)}" rel="nofollow noopener">${renderLabel(label)}</a>`
      : `${renderLabel(label)} (${escapeHtml(href)})`;
  }
  return html + renderEmphasis(text.slice(last));
}

function splitRow(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  const cells: string[] = [];
  let cell = "";
  for (let i = 0; i < trimmed.length; i++) {
    const ch = trimmed[i] ?? "";
    if (ch === "\\" && trimmed[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (ch === "|") {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const ORDERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;

/**
 * Markdown → HTML for archived summaries. Headings are demoted by `headingOffset` so a document's
 * `#` sits under the page's own title. Raw HTML in the input is shown as text, never interpreted.
 */
export function renderMarkdown(markdown: string, headingOffset = 1): string {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? "").trim().startsWith(fence[1] ?? "```"))
        code.push(lines[i++] ?? "");
      i++;
      out.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(6, (heading[1] ?? "#").length + headingOffset);
      out.push(`<h${level}>${renderInline(heading[2] ?? "")}</h${level}>`);
      i++;
      continue;
    }
    if (line.includes("|") && TABLE_SEPARATOR.test(lines[i + 1] ?? "")) {
      const header = splitRow(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] ?? "").includes("|") && (lines[i] ?? "").trim() !== "")
        rows.push(splitRow(lines[i++] ?? ""));
      const th = header.map((c) => `<th>${renderInline(c)}</th>`).join("");
      const body = rows
        .map(
          (r) =>
            `<tr>${header.map((_, j) => `<td>${renderInline(r[j] ?? "")}</td>`).join("")}</tr>`,
        )
        .join("");
      out.push(
        `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`,
      );
      continue;
    }
    if (RULE.test(line)) {
      out.push("<hr>");
      i++;
      continue;
    }
    const listKind = BULLET.test(line) ? "ul" : ORDERED.test(line) ? "ol" : null;
    if (listKind) {
      const pattern = listKind === "ul" ? BULLET : ORDERED;
      const items: string[] = [];
      while (i < lines.length) {
        const m = pattern.exec(lines[i] ?? "");
        if (m) items.push(m[1] ?? "");
        else if (/^\s{2,}\S/.test(lines[i] ?? "") && items.length > 0)
          items[items.length - 1] += ` ${(lines[i] ?? "").trim()}`;
        else break;
        i++;
      }
      out.push(
        `<${listKind}>${items.map((t) => `<li>${renderInline(t)}</li>`).join("")}</${listKind}>`,
      );
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i] ?? ""))
        quoted.push((lines[i++] ?? "").replace(/^\s*>\s?/, ""));
      out.push(`<blockquote>${renderMarkdown(quoted.join("\n"), headingOffset)}</blockquote>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length) {
      const l = lines[i] ?? "";
      if (
        l.trim() === "" ||
        HEADING.test(l) ||
        BULLET.test(l) ||
        ORDERED.test(l) ||
        /^\s*(```|~~~|>)/.test(l)
      )
        break;
      if (l.includes("|") && TABLE_SEPARATOR.test(lines[i + 1] ?? "")) break;
      para.push(renderInline(l.trim()));
      i++;
    }
    out.push(`<p>${para.join("<br>")}</p>`);
  }
  return out.join("\n");
}

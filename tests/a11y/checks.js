// Checks that tests/browser/test_accessibility.py runs in every page, beside axe-core. Loaded as an
// init script (the page's Content Security Policy does not apply to those), called through page.evaluate.
window.mmnA11y = {
  // axe-core's violations, in short: the rule, its impact and help, and where (axe.min.js is loaded too).
  async axe(options) {
    const result = await axe.run(document, { ...options, resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), html: n.html, summary: n.failureSummary })),
    }));
  },

  // A control (link, button, field) that is outside the page's width, or cut off by a box that hides its
  // overflow, cannot be read or reached; a page wider than the window makes people scroll sideways.
  layout() {
    const doc = document.documentElement;
    const width = doc.clientWidth;
    const problems = [];
    if (doc.scrollWidth > width) {
      problems.push(`the page scrolls sideways: ${doc.scrollWidth} px wide in ${width} px`);
    }
    const controls = document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])'
    );
    for (const el of controls) {
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1 || !el.checkVisibility({ visibilityProperty: true })) continue;
      if (el.closest(".skip-link")) continue; // off screen until focused, by design
      let clipped = false;
      let scrolls = false; // inside a region that scrolls to it (the region itself must fit the page)
      for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
        const s = getComputedStyle(box);
        if (["auto", "scroll"].includes(s.overflowX) || ["auto", "scroll"].includes(s.overflowY)) {
          scrolls = true;
          break;
        }
        if (s.overflowX === "visible" && s.overflowY === "visible") continue;
        const b = box.getBoundingClientRect();
        if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) {
          problems.push(`${describe(el)} is cut off by ${describe(box)}`);
          clipped = true;
          break;
        }
      }
      if (!clipped && !scrolls && (r.left < -0.5 || r.right > width + 0.5)) {
        problems.push(`${describe(el)} sticks out of the page: ${Math.round(r.left)} to ${Math.round(r.right)} of ${width} px`);
      }
    }
    return problems;
  },

  // Right, wrong and partly right have colours of their own (--right, --wrong, --partial and their
  // backgrounds, in app.css). Whatever wears one must also say it in words (an aria-hidden icon alone is
  // not enough, nor is a border round nothing), and a verdict must name itself.
  colourOnly() {
    const probe = document.createElement("span");
    document.body.append(probe);
    const signals = new Set();
    for (const name of ["--right", "--right-bg", "--wrong", "--wrong-bg", "--partial", "--partial-bg"]) {
      probe.style.color = `var(${name})`;
      const value = getComputedStyle(probe).color;
      if (value !== "rgba(0, 0, 0, 0)") signals.add(value);
    }
    probe.remove();
    const words = (el) => /[\p{L}\p{N}]/u.test(el.innerText || "");
    const described = (el) =>
      (el.getAttribute("aria-describedby") || "")
        .split(/\s+/)
        .some((id) => id && document.getElementById(id) && words(document.getElementById(id)));
    const problems = [];
    for (const el of document.querySelectorAll("main *")) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue; // hidden, or in a closed <details>
      const s = getComputedStyle(el);
      const borders = ["Top", "Right", "Bottom", "Left"]
        .filter((side) => s[`border${side}Style`] !== "none" && parseFloat(s[`border${side}Width`]) > 0)
        .map((side) => s[`border${side}Color`]);
      // A text colour counts where it is set, not in a child (an icon) that inherits it.
      const ownColour = s.color !== getComputedStyle(el.parentElement).color ? [s.color] : [];
      const coloured = [s.backgroundColor, ...borders, ...ownColour].some((c) => signals.has(c));
      if (coloured && !words(el) && !described(el)) {
        problems.push(`${describe(el)} shows right or wrong by colour alone`);
      }
    }
    for (const verdict of document.querySelectorAll(".verdict")) {
      if (!/\b(Correct|Incorrect|Partly correct|Not answered)\b/.test(verdict.innerText)) {
        problems.push(`a verdict without its word: "${verdict.innerText.trim().slice(0, 60)}"`);
      }
    }
    return problems;
  },

  // The focused element, and whether it shows a focus indicator (an outline or a box shadow) whose colour
  // stands out 3:1 from the page behind it (WCAG 1.4.11 and 2.4.7).
  focus() {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1;
    const shadow = s.boxShadow !== "none";
    let ratio = null;
    if (outline) {
      ratio = contrast(rgb(s.outlineColor), background(el.parentElement || el));
    }
    return { element: describe(el), outline, shadow, ratio };
  },
};

function describe(el) {
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim();
  const id = el.id ? `#${el.id}` : "";
  const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
  return `<${el.tagName.toLowerCase()}${id}${cls}> "${text.replace(/\s+/g, " ").slice(0, 50)}"`;
}

function rgb(colour) {
  const [r, g, b, a = 1] = colour.match(/[\d.]+/g).map(Number);
  return { r, g, b, a };
}

// The first opaque background colour behind an element.
function background(el) {
  for (let box = el; box; box = box.parentElement) {
    const c = rgb(getComputedStyle(box).backgroundColor);
    if (c.a > 0.5) return c;
  }
  return { r: 255, g: 255, b: 255, a: 1 };
}

function contrast(a, b) {
  const luminance = ({ r, g, b: blue }) => {
    const [R, G, B] = [r, g, blue].map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
}

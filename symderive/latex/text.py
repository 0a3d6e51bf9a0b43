"""Plain text from derivations (titles, justifications, assumptions, details) made safe for LaTeX.

Every character LaTeX treats specially is escaped, and the Unicode mathematics the derivations write
in prose (θ, π, ‖w‖, ·, −, ≤, ², ∫, ...) is mapped to its LaTeX form, so no string a derivation can
hold breaks the document.  A character without a mapping is printed as its code point (U+2203),
visibly, rather than passed to LaTeX.  ASCII shorthand the claims use (``||w||``, ``pi``, ``<=``) is
left as written, apart from ``||x||``, which becomes ‖x‖, a one-letter name with a short script
(``w_j``, ``w*_k``, ``θ_jk``, ``R^3``), which is typeset as mathematics, and ``~`` (as in
"x ~ N(0, I)"), printed as ∼.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\ensuremath{\sim}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': "''",
    "\t": " ",
    "\n": " ",
    "\r": " ",
}

#: Unicode characters of the derivations' prose and their LaTeX forms (math ones in \ensuremath).
_MATH = {
    "θ": r"\theta", "π": r"\pi", "φ": r"\varphi", "ψ": r"\psi", "σ": r"\sigma", "δ": r"\delta",
    "ε": r"\varepsilon", "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "λ": r"\lambda",
    "μ": r"\mu", "ρ": r"\rho", "τ": r"\tau", "ω": r"\omega", "η": r"\eta", "ξ": r"\xi",
    "Δ": r"\Delta", "Σ": r"\Sigma", "Ω": r"\Omega", "Φ": r"\Phi", "Θ": r"\Theta", "Λ": r"\Lambda",
    "‖": r"\|", "·": r"\cdot", "−": "-", "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "≈": r"\approx",
    "±": r"\pm", "×": r"\times", "∞": r"\infty", "∫": r"\int", "∑": r"\sum", "∏": r"\prod",
    "∇": r"\nabla", "∂": r"\partial", "∈": r"\in", "∉": r"\notin", "⊂": r"\subset",
    "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap", "∧": r"\wedge", "∨": r"\vee", "⊥": r"\perp",
    "→": r"\to", "←": r"\leftarrow", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow",
    "↦": r"\mapsto", "∀": r"\forall", "∃": r"\exists", "√": r"\surd", "∘": r"\circ",
    "⊗": r"\otimes", "⟨": r"\langle", "⟩": r"\rangle", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}",
    "′": r"{}'", "″": r"{}''", "∗": "*", "…": r"\dots", "⋯": r"\cdots",
    "κ": r"\kappa", "ν": r"\nu", "ζ": r"\zeta", "χ": r"\chi", "ϕ": r"\phi", "ι": r"\iota",
    "υ": r"\upsilon", "ϑ": r"\vartheta", "Π": r"\Pi", "Ψ": r"\Psi", "Γ": r"\Gamma", "Ξ": r"\Xi",
    "∝": r"\propto", "∠": r"\angle", "⊙": r"\odot", "∥": r"\parallel", "∦": r"\nparallel",
    "≺": r"\prec", "≻": r"\succ", "⪯": r"\preceq", "⪰": r"\succeq", "⊇": r"\supseteq",
    "⊃": r"\supset", "∋": r"\ni", "↔": r"\leftrightarrow", "⟶": r"\longrightarrow",
    "∼": r"\sim", "≡": r"\equiv", "≪": r"\ll", "≫": r"\gg", "≅": r"\cong",
    "≃": r"\simeq", "⊤": r"\top", "⟂": r"\perp", "∅": r"\emptyset", "ℓ": r"\ell", "∓": r"\mp",
    "∖": r"\setminus", "⊕": r"\oplus", "⋅": r"\cdot", "∙": r"\bullet", "†": r"\dagger",
    "↑": r"\uparrow", "↓": r"\downarrow", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil",
    "⌉": r"\rceil", "ℂ": r"\mathbb{C}", "ℤ": r"\mathbb{Z}", "ℚ": r"\mathbb{Q}",
    "ⁿ": "^{n}", "⁺": "^{+}", "⁵": "^{5}", "⁶": "^{6}", "ᵢ": "_{i}", "ₙ": "_{n}", "₄": "_{4}",
    "²": "^{2}", "³": "^{3}", "¹": "^{1}", "⁰": "^{0}", "⁴": "^{4}", "⁻": "^{-}", "ᵀ": r"^{\top}",
    "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}", "ⱼ": "_{j}", "ₖ": "_{k}",
}

_TEXT = {
    "–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "\u00a0": "~",
    "é": r"\'e", "è": r"\`e", "ä": r"\"a", "ö": r"\"o", "ü": r"\"u", "ß": r"\ss{}",
    "°": r"\ensuremath{^\circ}", "§": r"\S{}", "½": r"\ensuremath{\tfrac{1}{2}}",
    "¼": r"\ensuremath{\tfrac{1}{4}}", "¾": r"\ensuremath{\tfrac{3}{4}}",
}

_DOUBLE_BARS = re.compile(r"\|\|([^|]+?)\|\|")


def _character(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    if char in _MATH:
        return rf"\ensuremath{{{_MATH[char]}}}"
    if char in _TEXT:
        return _TEXT[char]
    if " " <= char <= "~":
        return char
    if unicodedata.category(char).startswith(("C", "Z")):
        return " "
    return rf"\textsf{{[U+{ord(char):04X}]}}"


_GREEK_LETTERS = "".join(char for char in _MATH if unicodedata.category(char) in ("Ll", "Lu")
                         and "GREEK" in unicodedata.name(char, ""))

#: A one-letter name (Latin or Greek, optionally starred) with a short alphanumeric subscript or
#: superscript: w_j, w*_k, θ_jk, Σ_a, I_d, R^3, x_{12}.
_SCRIPTED = re.compile(
    rf"(?<![A-Za-z0-9\\])([A-Za-z{_GREEK_LETTERS}])(\*?)"
    r"(?:(_)(\{[A-Za-z0-9']{1,3}\}|[A-Za-z0-9']{1,3})|(\^)(\{[A-Za-z0-9]{1,3}\}|[0-9]{1,2}|[A-Za-z]))"
    r"(?![A-Za-z0-9])"
)


def _plain(text: str) -> str:
    return "".join(_character(char) for char in text)


def escape(text: str) -> str:
    """text as LaTeX text-mode source that prints it (see the module docstring)."""
    text = unicodedata.normalize("NFC", _DOUBLE_BARS.sub(lambda m: f"‖{m.group(1)}‖", str(text)))
    pieces, start = [], 0
    for match in _SCRIPTED.finditer(text):
        base, star, underscore, subscript, caret, superscript = match.groups()
        mark, script = (underscore, subscript) if underscore else (caret, superscript)
        name = _MATH.get(base, base) + ("^{*}" if star else "")
        if star and caret:
            name = f"{{{name}}}"
        pieces.append(_plain(text[start:match.start()]))
        pieces.append(rf"\ensuremath{{{name}{mark}{{{script.strip('{}')}}}}}")
        start = match.end()
    pieces.append(_plain(text[start:]))
    return "".join(pieces)

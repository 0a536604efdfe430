"""Streamlit's own widgets in French: the texts and accessibility labels Streamlit writes in English.

Streamlit has no locale for its widgets (streamlit#13500, open in 1.67): the uploader says « Upload » and
« 50MB per file », multiselects « Select all », tables « Show/hide columns », every help icon « Help for … ». A
small script, sent once per page by :func:`traduire_streamlit`, translates them in the browser: it rewrites the
text nodes and the ``aria-label`` / ``title`` / ``placeholder`` attributes Streamlit draws (now and whenever it
redraws, through a ``MutationObserver``) and sets ``<html lang="fr">`` for screen readers. Plotly's own texts
(toolbar, double-click tips) are translated by :data:`flux_dash.graphiques.CONFIG_PLOTLY` instead.

Only the strings listed here are touched, and never inside a chart or a table's cells (user data): a réservataire
named « Search » stays « Search ». The browser test (tests/test_navigateur.py) walks every page and fails on any
English string of its own list, so a new Streamlit text shows up there first.
"""

from __future__ import annotations

import json
from typing import Final

import streamlit as st

TEXTES: Final[dict[str, str]] = {
    # file uploader
    "Upload": "Déposer",
    "Browse files": "Parcourir",
    "Drag and drop files here": "Glissez vos fichiers ici",
    "Drag and drop file here": "Glissez votre fichier ici",
    "file upload": "Déposer des fichiers",
    "add icon": "Ajouter des fichiers",
    "Add files": "Ajouter des fichiers",
    "Remove file": "Retirer le fichier",
    "Delete": "Supprimer",
    "Previous page": "Page précédente",
    "Next page": "Page suivante",
    # page shell
    "Skip to main content": "Aller au contenu principal",
    "Sidebar": "Menu",
    "Collapse sidebar": "Replier le menu",
    "Expand sidebar": "Déplier le menu",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "Link to heading": "Lien vers ce titre",
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Rerun": "Relancer",
    "Connecting": "Connexion",
    "Please wait...": "Veuillez patienter…",
    # selectboxes and multiselects
    "Select all": "Tout sélectionner",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Selected values": "Valeurs choisies",
    "Selected value": "Valeur choisie",
    "Choose an option": "Choisir une option",
    "Choose options": "Choisir des options",
    "No results": "Aucun résultat",
    "No options to select": "Aucune option",
    "No options to select.": "Aucune option.",
    "Open the dropdown": "Ouvrir la liste",
    # element toolbars (charts, tables)
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Autosize": "Largeur automatique",
    "Pin column": "Figer la colonne",
    "Unpin column": "Libérer la colonne",
    "Hide column": "Masquer la colonne",
    "Format": "Format",
    "Copy to clipboard": "Copier",
    "Copied": "Copié",
}
"""Exact English text (a whole text node or attribute, trimmed) → French."""

PREFIXES: Final[dict[str, str]] = {
    "Help for ": "Aide : ",
    "Remove ": "Retirer ",
    "Unselect ": "Retirer ",
}
"""English prefix of a generated label (``Help for <widget label>``) → French prefix; the rest is kept."""

UNITES: Final[dict[str, str]] = {"B": "o", "KB": "ko", "MB": "Mo", "GB": "Go"}
"""File size units (the uploader's « 297.9KB », « 50MB per file »)."""

_SCRIPT = """
(() => {
  const w = window;
  if (w.__fluxDashFrancais) return;
  w.__fluxDashFrancais = true;
  const TEXTES = %(textes)s, PREFIXES = %(prefixes)s, UNITES = %(unites)s;
  const TAILLE = /^(\\d+(?:\\.\\d+)?)\\s?(B|KB|MB|GB)$/;
  const SUFFIXE = /^(.*, )(\\d+(?:\\.\\d+)?)\\s?(B|KB|MB|GB)$/;  // « fichier.xlsx, 297.9KB »
  const LIMITE = /^(?:Limit\\s+)?(\\d+(?:\\.\\d+)?)\\s?(B|KB|MB|GB) per file(.*)$/;
  const ATTRIBUTS = ['aria-label', 'title', 'placeholder', 'data-title', 'aria-placeholder'];
  const ICONE = /^[a-z0-9_]+ icon$/;
  const nombre = (n) => n.replace('.', ',');
  function traduire(texte) {
    const t = texte.trim();
    if (!t) return null;
    if (Object.prototype.hasOwnProperty.call(TEXTES, t)) return texte.replace(t, TEXTES[t]);
    for (const [en, fr] of Object.entries(PREFIXES)) if (t.startsWith(en)) return texte.replace(en, fr);
    let m = t.match(TAILLE);
    if (m) return texte.replace(t, nombre(m[1]) + '\\u00a0' + UNITES[m[2]]);
    m = t.match(SUFFIXE);
    if (m) return texte.replace(t, m[1] + nombre(m[2]) + '\u00a0' + UNITES[m[3]]);
    m = t.match(LIMITE);
    if (m) return texte.replace(t, nombre(m[1]) + '\\u00a0' + UNITES[m[2]] + ' par fichier' + m[3]);
    return null;
  }
  // user data lives in charts (SVG) and table cells (canvas): never rewritten
  const donnees = (el) => el && el.closest && el.closest('.main-svg, [data-testid="stDataFrameResizable"] canvas');
  function attributs(el) {
    for (const a of ATTRIBUTS) {
      const v = el.getAttribute(a);
      if (v === null) continue;
      if (a === 'aria-label' && ICONE.test(v.trim()) && !Object.prototype.hasOwnProperty.call(TEXTES, v.trim())) {
        el.removeAttribute(a);  // a decorative Material icon (« check_circle icon »)
        el.setAttribute('aria-hidden', 'true');
        continue;
      }
      const fr = traduire(v);
      if (fr !== null && fr !== v) el.setAttribute(a, fr);
    }
  }
  function noeud(n) {
    if (n.nodeType === 3) {
      const parent = n.parentElement;
      if (!parent || donnees(parent) || parent.closest('[data-testid="stIconMaterial"], script, style')) return;
      const fr = traduire(n.nodeValue);
      if (fr !== null && fr !== n.nodeValue) n.nodeValue = fr;
    } else if (n.nodeType === 1) {
      if (donnees(n)) return;
      attributs(n);
      const marcheur = document.createTreeWalker(n, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      let c = marcheur.nextNode();
      while (c) { if (c.nodeType === 3) noeud(c); else attributs(c); c = marcheur.nextNode(); }
    }
  }
  document.documentElement.lang = 'fr';
  noeud(document.body);
  new MutationObserver((mutations) => {
    if (document.documentElement.lang !== 'fr') document.documentElement.lang = 'fr';
    for (const m of mutations) {
      if (m.type === 'childList') m.addedNodes.forEach(noeud);
      else if (m.type === 'characterData') noeud(m.target);
      else if (m.type === 'attributes') attributs(m.target);
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTS.concat(['lang']),
  });
})();
"""


def script_traduction() -> str:
    """The translating script (text of a ``<script>`` element), built from the three tables above."""
    return _SCRIPT % {
        "textes": json.dumps(TEXTES, ensure_ascii=False),
        "prefixes": json.dumps(PREFIXES, ensure_ascii=False),
        "unites": json.dumps(UNITES),
    }


def traduire_streamlit() -> None:
    """Send the translating script with the page (it installs itself once per browser tab, then stays)."""
    # unsafe_allow_javascript: the script is this module's constant, never user text (its only inputs are the
    # three tables above)
    st.html(f"<script>{script_traduction()}</script>", unsafe_allow_javascript=True)

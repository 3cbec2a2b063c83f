// An accessible autocomplete (WAI-ARIA 1.2 combobox with a listbox popup): focus stays in
// the text field, arrows move the active option (aria-activedescendant), Enter picks it,
// Escape closes the list, and a polite status says how many suggestions there are.

import { fill, h } from "./dom.js";

const DELAY_MS = 150;

export class Combobox {
  /**
   * @param {object} options
   * @param {HTMLInputElement} options.input  the text field (role="combobox")
   * @param {HTMLElement} options.listbox     the popup list (role="listbox")
   * @param {HTMLElement} options.status      a polite live region for the suggestion count
   * @param {(text: string, signal: AbortSignal) => Promise<Array<{label: string, hint?: string}>>} options.search
   * @param {(item: object) => void} options.onSelect  called with the chosen item
   * @param {(text: string) => boolean} [options.onEnter]  Enter without an active option;
   *   returns true when it used the text (then the form is not submitted)
   * @param {number} [options.minLength]
   * @param {boolean} [options.formal]  say "vous" (adults) rather than "tu" (pupils)
   */
  constructor({
    input,
    listbox,
    status,
    search,
    onSelect,
    onEnter = () => false,
    minLength = 2,
    formal = false,
  }) {
    Object.assign(this, { input, listbox, status, search, onSelect, onEnter, minLength, formal });
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    input.setAttribute("autocomplete", "off");
    listbox.setAttribute("role", "listbox");
    listbox.hidden = true;
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (event) => this.onKey(event));
    input.addEventListener("blur", () => this.close());
    // Keep the focus in the field when an option is clicked or touched.
    listbox.addEventListener("pointerdown", (event) => event.preventDefault());
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.choose(Number(option.dataset.index));
    });
  }

  get isOpen() {
    return !this.listbox.hidden;
  }

  schedule() {
    window.clearTimeout(this.timer);
    const text = this.input.value.trim();
    if (text.length < this.minLength) {
      this.controller?.abort();
      this.items = [];
      this.close();
      return;
    }
    this.timer = window.setTimeout(() => this.lookup(text), DELAY_MS);
  }

  async lookup(text) {
    this.controller?.abort();
    this.controller = new AbortController();
    try {
      const items = await this.search(text, this.controller.signal);
      if (this.input.value.trim() !== text) return; // typed on meanwhile
      this.show(items);
    } catch (error) {
      if (error.name === "AbortError") return;
      this.items = [];
      this.close();
      this.status.textContent = error.message;
    }
  }

  show(items) {
    this.items = items;
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    fill(
      this.listbox,
      items.map((item, index) =>
        h(
          "li",
          {
            id: `${this.listbox.id}-${index}`,
            role: "option",
            "aria-selected": "false",
            class: "widget-option",
            "data-index": index,
          },
          item.label,
          item.hint ? h("span", { class: "widget-option__hint" }, ` · ${item.hint}`) : null,
        ),
      ),
    );
    if (items.length === 0) {
      this.close();
      this.status.textContent = this.formal
        ? "Aucune suggestion : vous pouvez garder ce que vous avez écrit."
        : "Aucune suggestion : tu peux garder ce que tu as écrit.";
      return;
    }
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.status.textContent =
      `${items.length} suggestion${items.length > 1 ? "s" : ""}. ` +
      (this.formal
        ? "Utilisez les flèches haut et bas pour choisir, puis Entrée."
        : "Utilise les flèches haut et bas pour choisir, puis Entrée.");
  }

  close() {
    this.listbox.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  move(step) {
    if (this.items.length === 0) return;
    if (!this.isOpen) {
      this.listbox.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
    }
    const count = this.items.length;
    this.active = this.active < 0 && step < 0 ? count - 1 : (this.active + step + count) % count;
    for (const option of this.listbox.querySelectorAll("[role=option]")) {
      const isActive = Number(option.dataset.index) === this.active;
      option.setAttribute("aria-selected", String(isActive));
      option.classList.toggle("widget-option--active", isActive);
      if (isActive) {
        this.input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    }
  }

  choose(index) {
    const item = this.items[index];
    if (!item) return;
    this.close();
    this.onSelect(item);
  }

  onKey(event) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        this.move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        this.move(-1);
        break;
      case "Enter":
        if (this.isOpen && this.active >= 0) {
          event.preventDefault();
          this.choose(this.active);
        } else if (this.onEnter(this.input.value.trim())) {
          event.preventDefault();
          this.close();
        }
        break;
      case "Escape":
        if (this.isOpen) {
          event.preventDefault();
          this.close();
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
          this.input.dispatchEvent(new Event("input"));
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  }
}

// The agent page's tabs: real buttons with tab roles, arrow keys between them (Home and End too), one panel shown.
// A terminal tab embeds /terminal (the reconnecting terminal) the first time it is opened, and keeps it while hidden.
import { el } from './dom.js';

function terminal(panel, agent, slot) {
  if (panel.querySelector('iframe')) return;
  const query = new URLSearchParams({ agent });
  if (slot !== '1') query.set('slot', slot);
  panel.append(el('iframe', { src: `/terminal?${query}`, title: `Terminal ${slot} of ${agent}` }));
}

/** onShow(tabId) runs each time a tab is shown. */
export function wireTabs(agent, onShow) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const panelOf = (tab) => document.getElementById(tab.getAttribute('aria-controls'));

  const select = (chosen, focus) => {
    for (const tab of tabs) {
      const selected = tab === chosen;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      panelOf(tab).hidden = !selected;
    }
    if (chosen.dataset.slot) terminal(panelOf(chosen), agent, chosen.dataset.slot);
    onShow?.(chosen.id);
    if (focus) chosen.focus();
    history.replaceState(null, '', `#${chosen.id.slice('tab-'.length)}`);
  };

  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (event) => {
      const at = tabs.indexOf(tab);
      const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length], true);
    });
  }
  const linked = tabs.find((tab) => `#${tab.id.slice('tab-'.length)}` === location.hash);
  if (linked) select(linked, false);
}

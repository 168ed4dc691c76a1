// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
import { configure } from '@testing-library/react';

// findBy*/waitFor wait for what the test means, whatever the machine's load: Testing Library's
// default of 1 s is a speed assumption a busy CI machine breaks. The test's timeout still ends a
// condition that never comes.
configure({ asyncUtilTimeout: 30_000 });

// React 19's react-dom/server (imported by @grafana/ui) creates a MessageChannel when it loads,
// which jsdom lacks. Node's own MessageChannel would keep jest from exiting: use timers instead.
if (typeof global.MessageChannel === 'undefined') {
  class Port {
    onmessage = null;
    other = null;
    postMessage(data) {
      setTimeout(() => this.other?.onmessage?.({ data }), 0);
    }
    start() {}
    close() {}
    addEventListener() {}
    removeEventListener() {}
  }
  class MessageChannel {
    constructor() {
      this.port1 = new Port();
      this.port2 = new Port();
      this.port1.other = this.port2;
      this.port2.other = this.port1;
    }
  }
  Object.assign(global, { MessageChannel });
}

// @grafana/ui measures text on a canvas (Combobox width); jsdom has no canvas.
HTMLCanvasElement.prototype.getContext = function getContext() {
  return { font: '', measureText: (text) => ({ width: String(text).length * 7 }) };
};

// Observers @grafana/ui's Combobox and layout components use; jsdom has neither.
class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
for (const name of ['IntersectionObserver', 'ResizeObserver']) {
  if (typeof global[name] === 'undefined') {
    Object.assign(global, { [name]: NoopObserver });
  }
}

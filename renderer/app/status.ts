// engine.status, loaded at boot (its lastSeq is where the live stream starts) and refreshed
// when queue events say the counts changed.
import { useSyncExternalStore } from 'react';
import type { EngineStatus } from '../../engine/api/contract';
import { api } from '../lib/api';
import { hub } from '../lib/events';
import { debounce, Emitter } from '../lib/store';

export type StatusState = { status?: EngineStatus; error?: unknown };

class StatusStore {
  private emitter = new Emitter();
  private state: StatusState = {};
  private refreshSoon = debounce(() => void this.refresh(), 400, 2000);
  subscribe = this.emitter.subscribe;
  get = (): StatusState => this.state;

  private booted = false;

  async boot(): Promise<void> {
    if (this.booted) return;
    this.booted = true;
    hub.preconnect();
    await this.refresh();
    // The engine may be starting, or briefly unreachable: keep trying, the page says why meanwhile.
    while (!this.state.status) {
      await new Promise((r) => setTimeout(r, 2000));
      await this.refresh();
    }
    if (this.state.status) {
      hub.start(this.state.status.lastSeq);
      hub.subscribe((e) => {
        if (e.t === 'queue') this.refreshSoon();
      });
    }
  }

  async refresh(): Promise<void> {
    try {
      this.state = { status: await api['engine.status']({}) };
    } catch (error) {
      this.state = { ...this.state, error };
    }
    this.emitter.emit();
  }
}

export const statusStore = new StatusStore();

export function useEngineStatus(): StatusState {
  return useSyncExternalStore(statusStore.subscribe, statusStore.get);
}

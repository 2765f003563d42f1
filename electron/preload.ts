// The whole bridge between the sandboxed renderer and the main process (STYLE.md §7): one call
// function on lab:call and one event subscription on lab:event that returns its unsubscribe.
// The IPC event object never reaches the page (its `sender` would leak). Imports only 'electron'
// at run time (the sandbox allows no more); the channel names match electron/ipc.ts (a test checks).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { LabBridge, LabEventArgs, LabEventListener } from './bridge';

const bridge: LabBridge = {
  call: (method, input) => ipcRenderer.invoke('lab:call', method, input),
  onEvent: (fn: LabEventListener) => {
    const listener = (_event: IpcRendererEvent, ...args: LabEventArgs) => fn(...args);
    ipcRenderer.on('lab:event', listener);
    return () => {
      ipcRenderer.removeListener('lab:event', listener);
    };
  },
};

contextBridge.exposeInMainWorld('lab', bridge);

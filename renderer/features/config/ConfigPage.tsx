// Config: the effective config (every default filled in) and a YAML editor validated by the
// engine (config.validate), with each problem shown at its line and key; Apply saves the file and
// applies what the engine can change live (config.apply), and says what needs a restart.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ConfigApplyOutput, ConfigGetOutput, ConfigProblem, ConfigValidateOutput } from '../../../engine/api/contract';
import { Badge, ErrorNotice, Loading, PageHeader, Panel } from '../../components/ui';
import { api } from '../../lib/api';
import { toYaml } from '../../lib/yamlish';
import { ConfigEditor, type ConfigEditorHandle } from './parts/ConfigEditor';

export function ConfigPage(): ReactNode {
  const [cfg, setCfg] = useState<ConfigGetOutput | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [result, setResult] = useState<ConfigValidateOutput | ConfigApplyOutput | null>(null);
  const [applied, setApplied] = useState<Extract<ConfigApplyOutput, { ok: true }> | null>(null);
  const [validating, setValidating] = useState(false);
  const [validateError, setValidateError] = useState<unknown>(null);
  const editor = useRef<ConfigEditorHandle>(null);

  useEffect(() => {
    api['config.get']({}).then(
      (c) => {
        setCfg(c);
        setText(c.source ?? toYaml(c.config));
      },
      (e: unknown) => setError(e),
    );
  }, []);

  const apply = async (): Promise<void> => {
    if (!window.confirm('Save this config to the file and apply it to the running engine?')) return;
    setValidating(true);
    setValidateError(null);
    try {
      const r = await api['config.apply']({ yaml: text });
      setResult(r);
      setApplied(r.ok ? r : null);
      if (r.ok) setCfg(await api['config.get']({}));
    } catch (e) {
      setResult(null);
      setValidateError(e);
    } finally {
      setValidating(false);
    }
  };

  const validate = async (): Promise<void> => {
    setValidating(true);
    setValidateError(null);
    setApplied(null);
    try {
      setResult(await api['config.validate']({ yaml: text }));
    } catch (e) {
      setResult(null);
      setValidateError(e);
    } finally {
      setValidating(false);
    }
  };

  if (error) return <div className="page"><ErrorNotice error={error} what="read the config" /></div>;
  if (!cfg) return <div className="page"><Loading what="the config" /></div>;
  const problems: ConfigProblem[] = result && !result.ok ? result.errors : [];
  return (
    <div className="page">
      <PageHeader
        title="Config"
        subtitle={cfg.path ? <>Loaded from <span className="mono">{cfg.path}</span></> : 'Running on the embedded default config (no file given).'}
      />
      <div className="config-grid">
        <Panel
          id="config-edit"
          title="Check a config"
          help="Edit the YAML and let the engine validate it: unknown keys, wrong types and bad values are reported at their line. Ctrl+Enter validates."
          actions={
            <div className="row-gap">
              <button type="button" className="btn-primary" onClick={() => void validate()} disabled={validating} data-testid="validate">
                {validating ? 'Validating…' : 'Validate'}
              </button>
              <button type="button" onClick={() => { setText(cfg.source ?? toYaml(cfg.config)); setResult(null); }}>
                Reset
              </button>
              <button type="button" onClick={() => void apply()} disabled={validating || !cfg.path} data-testid="apply"
                title={cfg.path ? 'Save to the config file and apply what can change without a restart' : 'The engine runs on the embedded default: start it with --config FILE to edit a config'}>
                Apply
              </button>
            </div>
          }
        >
          <ConfigEditor
            ref={editor}
            value={text}
            onChange={(v) => {
              setText(v);
              setResult(null);
            }}
            onSubmit={() => void validate()}
            problemLines={problems.map((p) => p.line).filter((l): l is number => l !== undefined)}
          />
          <div aria-live="polite" data-testid="validation">
            {validateError ? <ErrorNotice error={validateError} what="validate" /> : null}
            {result?.ok && !applied ? (
              <p className="notice notice-ok">
                <Badge tone="ok">valid</Badge> This config would load.
              </p>
            ) : null}
            {applied ? (
              <p className="notice notice-ok" data-testid="applied">
                <Badge tone="ok">saved</Badge> to <span className="mono">{applied.savedTo}</span>.{' '}
                {applied.applied.length ? <>Live now: {applied.applied.join(', ')}. </> : 'Nothing that can change live was changed. '}
                {applied.restartNeeded.length ? <>After a restart: {applied.restartNeeded.join(', ')}.</> : null}
              </p>
            ) : null}
            {problems.length ? (
              <ul className="problems" data-testid="problems">
                {problems.map((p, k) => (
                  <li key={k}>
                    <button type="button" className="problem" onClick={() => p.line && editor.current?.goToLine(p.line)} disabled={!p.line}>
                      <span className="problem-where">
                        {p.line ? `line ${p.line}` : 'somewhere'}
                        {p.key ? <code className="code-chip">{p.key}</code> : null}
                      </span>
                      <span>{p.message}</span>
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        </Panel>
        <Panel id="config-effective" title="Effective config" help="What the engine runs with: the file plus every default filled in.">
          <pre className="code-block" data-testid="effective-config">
            {toYaml(cfg.config)}
          </pre>
        </Panel>
      </div>
    </div>
  );
}

// Config: the effective config (every default filled in) and a YAML editor validated by the
// engine (config.validate), with each problem shown at its line and key.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ConfigGetOutput, ConfigProblem, ConfigValidateOutput } from '../../../engine/api/contract';
import { Badge, ErrorNotice, Loading, PageHeader, Panel } from '../../components/ui';
import { api } from '../../lib/api';
import { toYaml } from '../../lib/yamlish';
import { ConfigEditor, type ConfigEditorHandle } from './parts/ConfigEditor';

export function ConfigPage(): ReactNode {
  const [cfg, setCfg] = useState<ConfigGetOutput | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [text, setText] = useState('');
  const [result, setResult] = useState<ConfigValidateOutput | null>(null);
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

  const validate = async (): Promise<void> => {
    setValidating(true);
    setValidateError(null);
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
              <button type="button" disabled title="Needs a config.apply method in the API (not there yet); until then restart relaylab with the new file">
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
            {result?.ok ? (
              <p className="notice notice-ok">
                <Badge tone="ok">valid</Badge> This config would load. (Applying it needs a restart for now.)
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

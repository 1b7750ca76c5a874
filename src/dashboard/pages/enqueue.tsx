/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The enqueue form: a job type, its JSON payload (checked by the job's own zod schema on submit,
// errors shown next to the field) and a few envelope options.
import type { PayloadHint } from '../data/payload-hints.ts';
import { Layout, type Shell } from '../views/layout.tsx';
import { Breadcrumbs, CsrfField, PageHeader } from '../views/ui.tsx';

export interface EnqueueValues {
  type: string;
  payload: string;
  priority: string;
  maxAttempts: string;
  tenantId: string;
  idempotencyKey: string;
}

export type EnqueueErrors = Partial<Record<keyof EnqueueValues, string[]>>;

const FIELD_LABELS: Record<keyof EnqueueValues, string> = {
  type: 'Job type',
  payload: 'Payload',
  priority: 'Priority',
  maxAttempts: 'Max attempts',
  tenantId: 'Tenant id',
  idempotencyKey: 'Idempotency key',
};

function FieldError(props: { id: string; errors?: string[] }) {
  if (!props.errors?.length) return null;
  return (
    <ul class="field-error" id={props.id}>
      {props.errors.map((e) => (
        <li>{e}</li>
      ))}
    </ul>
  );
}

function TextInput(props: { name: keyof EnqueueValues; values: EnqueueValues; errors: EnqueueErrors; hint?: string; type?: string; inputmode?: 'numeric' | 'text' }) {
  const errorId = `${props.name}-error`;
  const hintId = `${props.name}-hint`;
  const invalid = Boolean(props.errors[props.name]?.length);
  return (
    <div class="field">
      <label for={`e-${props.name}`}>{FIELD_LABELS[props.name]}</label>
      <input
        id={`e-${props.name}`}
        name={props.name}
        type={props.type ?? 'text'}
        inputmode={props.inputmode}
        value={props.values[props.name]}
        aria-invalid={invalid ? 'true' : undefined}
        aria-describedby={[props.hint ? hintId : '', invalid ? errorId : ''].filter(Boolean).join(' ') || undefined}
        autocomplete="off"
      />
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      <FieldError id={errorId} errors={props.errors[props.name]} />
    </div>
  );
}

export function EnqueuePage(props: { shell: Shell; hints: PayloadHint[]; values: EnqueueValues; errors: EnqueueErrors }) {
  const paths = props.shell.paths;
  const { hints, values, errors } = props;
  const errorEntries = Object.entries(errors).filter(([, list]) => list?.length) as [keyof EnqueueValues, string[]][];
  const selected = hints.find((h) => h.type === values.type);
  const payloadInvalid = Boolean(errors.payload?.length);
  return (
    <Layout shell={props.shell} title="Enqueue a job" section="queue">
      <Breadcrumbs trail={[{ href: paths.queue, label: 'Queue' }]} current="Enqueue" />
      <PageHeader title="Enqueue a job" subtitle="The payload is checked by the job's own schema before anything is stored." />
      {errorEntries.length ? (
        <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
          <p id="error-summary-title" class="error-summary-title">
            The job was not enqueued:
          </p>
          <ul>
            {errorEntries.map(([field, list]) => (
              <li>
                <a href={`#e-${field}`}>{`${FIELD_LABELS[field]}: ${list[0]}`}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form method="post" action={paths.enqueue} class="panel form-panel" id="enqueue-form" novalidate>
        <CsrfField token={props.shell.csrf!} />
        <div class="field">
          <label for="e-type">Job type</label>
          <select id="e-type" name="type" required aria-describedby="type-description" aria-invalid={errors.type?.length ? 'true' : undefined}>
            <option value="" disabled selected={!selected}>
              Choose a job type…
            </option>
            {hints.map((h) => (
              <option value={h.type} selected={h.type === values.type} data-example={h.example} data-description={h.description}>
                {h.type}
              </option>
            ))}
          </select>
          <p class="hint" id="type-description">
            {selected ? selected.description : 'Every job file in jobs/ can be enqueued.'}
          </p>
          <FieldError id="type-error" errors={errors.type} />
        </div>
        <div class="field">
          <label for="e-payload">Payload (JSON)</label>
          <textarea
            id="e-payload"
            name="payload"
            rows={8}
            spellcheck={false}
            autocomplete="off"
            class="code-input"
            aria-invalid={payloadInvalid ? 'true' : undefined}
            aria-describedby={`payload-fields${payloadInvalid ? ' payload-error' : ''}`}
          >
            {values.payload}
          </textarea>
          <div class="hint" id="payload-fields">
            {hints.map((h) => (
              <div class="payload-fields" data-fields-for={h.type} hidden={selected ? h.type !== selected.type : true}>
                {h.fields.length ? (
                  <ul>
                    {h.fields.map((f) => (
                      <li>
                        <code>{f.name}</code>: {f.text}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p>{h.takesPayload ? 'Any JSON the job accepts.' : 'This job takes no payload: leave {} or empty.'}</p>
                )}
              </div>
            ))}
          </div>
          <FieldError id="payload-error" errors={errors.payload} />
        </div>
        <details class="more-options" open={Boolean(errors.priority || errors.maxAttempts || errors.tenantId || errors.idempotencyKey) || undefined}>
          <summary>More options</summary>
          <div class="form-grid">
            <TextInput name="priority" values={values} errors={errors} hint="Higher runs first; default 0." inputmode="numeric" />
            <TextInput name="maxAttempts" values={values} errors={errors} hint="Default: the job's own setting." inputmode="numeric" />
            <TextInput name="tenantId" values={values} errors={errors} hint="Stored on the job's envelope." />
            <TextInput name="idempotencyKey" values={values} errors={errors} hint="A repeat with the same key returns the existing job." />
          </div>
        </details>
        <div class="form-actions">
          <button type="submit" class="button">
            Enqueue job
          </button>
          <a href={paths.queue} class="button button-ghost">
            Cancel
          </a>
        </div>
      </form>
    </Layout>
  );
}

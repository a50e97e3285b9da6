/**
 * Canned, clearly-labelled Markdown answers for demos and UI work, written to
 * look like protocol guidance for the seed scenarios. They exercise the
 * renderer (headings, numbered steps, bold, lists) — they are not medical advice.
 */
import { isRecord } from './chatRequest.js';
import type { Reply } from './types.js';

/** First line of every demo answer, so no one mistakes it for a model's output. */
export const SCRIPTED_ANSWER_NOTICE = '_Scripted demo answer from the test server — not a model, not medical advice._';

/**
 * The demo answers in conversation order: the fever-and-cough scenario over
 * three turns (presentation, X-ray, SpO2 88%), then chest pain, then sepsis.
 */
export const clinicalDemoAnswers: readonly string[] = [
  `${SCRIPTED_ANSWER_NOTICE}

### Fever and cough, 60-year-old — initial assessment

1. **Check vital signs**: temperature, heart rate, respiratory rate, blood pressure and **SpO2**.
2. **Assess severity** with a validated score (for example CURB-65).
3. **Examine the chest**: crackles, bronchial breathing, work of breathing.
4. **Order first-line tests**:
   - chest X-ray
   - full blood count, CRP, urea and electrolytes
   - blood cultures if febrile and unwell
5. **Reassess** once results are back and document the plan.
`,
  `${SCRIPTED_ANSWER_NOTICE}

### Chest X-ray: bilateral infiltrates

1. **Treat as community-acquired pneumonia** until proven otherwise.
2. **Consider the differential**:
   - viral pneumonia
   - heart failure with pulmonary oedema
   - aspiration
3. **Start empirical treatment** according to the local protocol and the severity score.
4. **Monitor** respiratory rate and **SpO2** closely; escalate if they worsen.
`,
  `${SCRIPTED_ANSWER_NOTICE}

### SpO2 88% — escalation

1. **Give oxygen now**, titrated to the target saturation range in the local protocol.
2. **Get an arterial blood gas** to check for hypercapnia.
3. **Call for senior review**: hypoxaemic pneumonia may need high-dependency care.
4. **Repeat observations** frequently and record each change:
   - SpO2 and oxygen flow
   - respiratory rate
   - level of consciousness
`,
  `${SCRIPTED_ANSWER_NOTICE}

### Chest pain — first steps

1. **12-lead ECG within 10 minutes** of arrival.
2. **Assess for life-threatening causes**:
   - acute coronary syndrome
   - pulmonary embolism
   - aortic dissection
3. **Send troponin** and repeat it per the local pathway.
4. **Give analgesia** and follow the local acute coronary syndrome protocol if indicated.
`,
  `${SCRIPTED_ANSWER_NOTICE}

### Suspected sepsis — first hour

1. **Recognise it early**: check the early-warning score and look for a source.
2. **Take blood cultures** before antibiotics, without delaying them.
3. **Measure lactate** and start **IV fluids** if hypotensive or lactate is raised.
4. **Give broad-spectrum antibiotics within one hour** per the local protocol.
5. **Monitor urine output** and escalate early:
   - senior review
   - critical care if no response to fluids
`,
];

/**
 * Picks a demo answer by the number of user messages in the request: the first
 * user turn gets the first answer, and so on, wrapping around after the last.
 * It never looks at the messages' text, so nothing from the prompt is echoed.
 */
export const clinicalDemoReply: Reply = (request) => {
  const body = request.body;
  const messages = isRecord(body) && Array.isArray(body['messages']) ? (body['messages'] as unknown[]) : [];
  const userTurns = messages.filter((message) => isRecord(message) && message['role'] === 'user').length;
  const index = Math.max(0, userTurns - 1) % clinicalDemoAnswers.length;
  return clinicalDemoAnswers[index] ?? SCRIPTED_ANSWER_NOTICE;
};

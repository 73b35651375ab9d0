/* The editor page: the year's sections as forms (json-editor), every check and change computed by the server.
 *
 * Nothing here validates the contract: each edit is sent to the server, which runs `gen validate`'s own
 * checks on the file as it would be written, and this page only shows the answer at the fields. */
(function () {
  'use strict';

  const token = location.pathname.split('/')[1] || '';
  const base = '/' + token + '/';
  const state = {
    overview: null, view: null, year: null, digest: null, signed: false, editors: {}, ready: false,
    dirty: false, valid: true, timer: null, typing: null, seq: 0, lastPayload: '', tab: 'entry', busy: false,
  };

  const ZH = {
    button_add_row_title: '添加{{0}}', button_move_down_title: '下移', button_move_up_title: '上移',
    button_delete_row_title: '删除{{0}}', button_delete_row_title_short: '删除', button_copy_row_title: '复制{{0}}',
    button_copy_row_title_short: '复制', button_collapse: '收起', button_expand: '展开', button_add: '添加',
    button_delete_all: '全部', button_delete_all_title: '全部删除', button_delete_last: '最后一个{{0}}',
    button_delete_last_title: '删除最后一个{{0}}', button_properties: '新名称', button_object_properties: '添加新名称',
    button_edit_json: '编辑 JSON', button_save: '保存', button_cancel: '取消', button_copy: '复制',
    default_array_item_title: '项', button_delete_node_warning: '确定删除这一项吗？', table_controls: '操作',
    choices_placeholder_text: '输入后添加',
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'onclick') node.addEventListener('click', value);
      else if (key === 'className') node.className = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function call(method, path, body) {
    const init = { method, headers: { 'X-Editor-Token': token }, cache: 'no-store' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(base + path, init);
    } catch (error) {
      throw new Error('无法连接编辑器（gen edit 是否已结束？）');
    }
    let data;
    try { data = await response.json(); } catch (error) { data = { error: '编辑器没有返回有效的内容（' + response.status + '）' }; }
    if (!response.ok) {
      const failure = new Error(data.error || ('请求失败：' + response.status));
      failure.data = data;
      failure.status = response.status;
      throw failure;
    }
    return data;
  }

  function say(id, text) { $(id).textContent = text; }

  function banner(text, withReload) {
    const box = $('banner');
    box.replaceChildren(el('p', {}, text));
    if (withReload) box.append(el('button', { type: 'button', onclick: () => openYear(state.year, true) }, '重新载入（放弃本页未保存的修改）'));
    box.hidden = false;
  }

  function clearBanner() { $('banner').hidden = true; $('banner').replaceChildren(); }

  // -- years ------------------------------------------------------------------------------------------

  function yearLabel(entry) {
    if (entry.signed) {
      const when = entry.signed_on ? '，' + entry.signed_on + ' 签订' : '';
      return entry.year + ' 年度 · 已签订' + when;
    }
    return entry.year + ' 年度 · 待签订（可编辑）';
  }

  function renderYears() {
    const list = $('years');
    list.replaceChildren();
    for (const entry of state.overview.years) {
      const button = el('button', { type: 'button', 'aria-current': entry.year === state.year ? 'true' : null,
        onclick: () => openYear(entry.year) }, yearLabel(entry));
      list.append(el('li', {}, button));
    }
    const next = $('new-year');
    next.textContent = '开始 ' + state.overview.next_year + ' 年度（续签）';
    next.hidden = false;
  }

  async function newYear() {
    const year = state.overview.next_year;
    if (state.dirty && !confirm('有未保存的修改。开始新年度会先重新载入合同文件，丢弃这些修改。继续吗？')) return;
    try {
      const result = await call('POST', 'api/new-year', { year });
      state.dirty = false;
      await loadOverview();
      await openYear(year, true);
      say('save-state', '已在合同文件中追加 ' + year + ' 年度。' + (result.warnings.length ? '（有 ' + result.warnings.length + ' 条警告，见检查结果）' : ''));
    } catch (error) {
      banner(error.message);
    }
  }

  async function loadOverview() {
    state.overview = await call('GET', 'api/state');
    say('file-line', '合同文件：' + state.overview.file + '（' + state.overview.folder + '）');
  }

  // -- a year's forms ----------------------------------------------------------------------------------

  function sectionSchema(section) {
    const schemas = state.overview.schemas;
    return Object.assign({}, schemas.sections[section], { definitions: schemas.definitions });
  }

  function destroyEditors() {
    for (const editor of Object.values(state.editors)) editor.destroy();
    state.editors = {};
  }

  function renderTabs() {
    const tabs = $('tabs');
    const panels = $('panels');
    tabs.replaceChildren();
    panels.replaceChildren();
    for (const tab of state.overview.tabs) {
      const selected = tab.id === state.tab;
      tabs.append(el('button', { type: 'button', role: 'tab', id: 'tab-' + tab.id, 'aria-controls': 'panel-' + tab.id,
        'aria-selected': selected ? 'true' : 'false', tabindex: selected ? '0' : '-1',
        onclick: () => selectTab(tab.id, true) }, tab.title));
      const panel = el('div', { role: 'tabpanel', id: 'panel-' + tab.id, 'aria-labelledby': 'tab-' + tab.id,
        tabindex: '0', hidden: !selected });
      for (const section of tab.sections) {
        panel.append(el('div', { className: 'form-section', id: 'form-' + section, 'data-section': section }));
      }
      panels.append(panel);
    }
  }

  function selectTab(id, focus) {
    state.tab = id;
    for (const tab of state.overview.tabs) {
      const selected = tab.id === id;
      const button = $('tab-' + tab.id);
      button.setAttribute('aria-selected', selected ? 'true' : 'false');
      button.tabIndex = selected ? 0 : -1;
      $('panel-' + tab.id).hidden = !selected;
    }
    if (focus) $('tab-' + id).focus();
  }

  function tabOf(section) {
    return state.overview.tabs.find((tab) => tab.sections.includes(section));
  }

  function onTabKey(event) {
    const ids = state.overview.tabs.map((tab) => tab.id);
    const at = ids.indexOf(state.tab);
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: ids.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectTab(ids[(moves[event.key] + ids.length) % ids.length], true);
  }

  function makeEditor(section, value) {
    return new Promise((resolve) => {
      const editor = new JSONEditor($('form-' + section), {
        schema: sectionSchema(section), startval: value, theme: 'html', iconlib: null, form_name_root: section,
        disable_edit_json: true, disable_properties: true, disable_array_delete_all_rows: true,
        disable_array_delete_last_row: true, show_opt_in: true, show_errors: 'never', no_additional_properties: true,
        prompt_before_delete: false, keep_oneof_values: false,
      });
      editor.on('ready', () => { editor.known = new Set(Object.keys(editor.editors)); resolve(editor); });
      editor.on('change', () => { tidyNew(editor); scheduleCheck(); });
    });
  }

  async function openYear(year, force) {
    if (!force && state.dirty && !confirm('有未保存的修改，切换年度将丢弃这些修改。继续吗？')) return;
    clearBanner();
    say('check-summary', '正在载入 ' + year + ' 年度…');
    let view;
    try {
      view = await call('GET', 'api/year/' + year);
    } catch (error) {
      banner(error.message);
      return;
    }
    state.ready = false;
    state.year = year;
    state.view = view;
    state.digest = view.digest;
    state.signed = view.signed;
    state.dirty = false;
    destroyEditors();
    renderYears();
    renderTabs();
    const title = year + ' 年度合同' + (view.signed ? '（已签订，只能查看）' : '');
    say('year-title', title);
    document.title = title + ' · 合同年度编辑器';
    const entry = view.entry;
    const signatories = entry.signatories || {};
    let note;
    if (view.signed) {
      note = '已签订：合同编号 ' + (entry.contract_number || '（未填写）') + '，签订日期 ' + (entry.signed_on || '（未写，为上一年度服务期满的次日）') +
        '；甲方签字人 ' + (signatories.buyer || '') + '，乙方签字人 ' + (signatories.supplier || '') + '。已签订年度只能查看，不能修改。';
    } else if (view.inherits_from) {
      note = '本年度沿用 ' + view.inherits_from + ' 年度的合同内容；在这里改动的内容只作为 ' + year + ' 年度的变化写入合同文件，以后年度沿用。';
    } else {
      note = '这是合同的第一个年度：它沿用合同文件顶层的基础合同；改动只写入 ' + year + ' 年度。';
    }
    say('year-note', note);
    $('legend').hidden = false;
    $('review').hidden = false;
    $('preview').replaceChildren();
    say('generate-result', '');
    $('preview-redline').disabled = !view.inherits_from;
    $('generate-diff').disabled = !view.inherits_from;
    const values = Object.assign({ entry: view.entry }, view.sections);
    const made = await Promise.all(Object.keys(values).map(async (section) => [section, await makeEditor(section, values[section])]));
    for (const [section, editor] of made) {
      state.editors[section] = editor;
      if (view.signed) editor.disable();
    }
    state.lastPayload = JSON.stringify(collect());
    applyResults(view);
    updateSaveState();
    state.ready = true;
    $('main').focus();
  }

  // A part the user has just added (a new indicator) starts with its required fields only, as the merged year
  // would; the optional ones are offered with a tick box, not written with empty values.
  function tidyNew(editor) {
    if (!editor.known) return;
    const fresh = Object.keys(editor.editors).filter((path) => !editor.known.has(path));
    for (const path of fresh) editor.known.add(path);
    for (const path of fresh) {
      const sub = editor.editors[path];
      if (sub && typeof sub.deactivateNonRequiredProperties === 'function') sub.deactivateNonRequiredProperties(true);
    }
  }

  function collect() {
    const sections = {};
    for (const [section, editor] of Object.entries(state.editors)) {
      if (section !== 'entry') sections[section] = editor.getValue();
    }
    return { year: state.year, digest: state.digest, entry: state.editors.entry ? state.editors.entry.getValue() : {}, sections };
  }

  function setSections(sections) {
    for (const [section, value] of Object.entries(sections)) {
      const editor = state.editors[section];
      if (editor && JSON.stringify(editor.getValue()) !== JSON.stringify(value)) {
        editor.setValue(value);
        editor.known = new Set(Object.keys(editor.editors));  // values set by the server are whole: keep them
      }
    }
  }

  // -- checking as the user types ------------------------------------------------------------------------

  function scheduleCheck() {
    if (!state.ready || state.signed) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(check, 300);
  }

  // json-editor takes a text field's value when it is left; while typing, hand it over after a pause.
  function onTyping(event) {
    const target = event.target;
    if (!state.ready || state.signed || !target.matches('input, textarea')) return;
    clearTimeout(state.typing);
    state.typing = setTimeout(() => target.dispatchEvent(new Event('change', { bubbles: true })), 700);
  }

  async function check() {
    const payload = collect();
    const key = JSON.stringify(payload);
    if (key === state.lastPayload) return;
    state.lastPayload = key;
    const seq = ++state.seq;
    say('check-summary', '正在检查…');
    try {
      const result = await call('POST', 'api/check', payload);
      if (seq === state.seq) applyResults(result);
    } catch (error) {
      if (seq !== state.seq) return;
      if (error.status === 409) banner(error.message, true);
      else say('check-summary', '无法检查：' + error.message);
    }
  }

  function applyResults(result) {
    document.body.dataset.checks = String(Number(document.body.dataset.checks || 0) + 1);
    state.dirty = !result.unchanged;
    state.valid = result.valid;
    if (result.stale) banner('合同文件已在磁盘上被修改（其他人或其他命令）。本页的内容仍按载入时的文件检查；保存前请重新载入。', true);
    clearDecorations();
    renderProblems(result.problems);
    renderChanges(result.changes);
    renderChips(result.chips);
    $('yaml').textContent = result.yaml;
    updateSaveState();
  }

  function updateSaveState() {
    const save = $('save');
    save.disabled = state.signed || !state.dirty || !state.valid;
    if (state.signed) say('save-state', '已签订年度，只能查看');
    else if (!state.dirty) say('save-state', '没有未保存的修改');
    else if (!state.valid) say('save-state', '有未保存的修改；有错误，修正后才能保存');
    else say('save-state', '有未保存的修改');
  }

  // -- showing results at the fields ---------------------------------------------------------------------

  let decorated = [];

  function clearDecorations() {
    for (const undo of decorated) undo();
    decorated = [];
  }

  function fieldOf(where) {
    if (!where) return null;
    const editor = state.editors[where.section];
    if (!editor) return null;
    let path = where.path;
    for (;;) {
      const sub = editor.getEditor(path);
      if (sub) return sub;
      const cut = path.lastIndexOf('.');
      if (cut < 0) return null;
      path = path.slice(0, cut);
    }
  }

  function inputOf(sub) {
    if (sub.input && sub.input.tagName) return sub.input;
    return sub.container ? sub.container.querySelector('input, textarea, select') : null;
  }

  function attach(sub, node, invalid) {
    const holder = sub.container;
    holder.append(node);
    const input = inputOf(sub);
    const before = input ? input.getAttribute('aria-describedby') : null;
    const beforeInvalid = input ? input.getAttribute('aria-invalid') : null;
    if (input && node.id) {
      input.setAttribute('aria-describedby', ((before || '') + ' ' + node.id).trim());
      if (invalid) input.setAttribute('aria-invalid', 'true');
    }
    decorated.push(() => {
      node.remove();
      if (!input) return;
      if (before === null) input.removeAttribute('aria-describedby'); else input.setAttribute('aria-describedby', before);
      if (beforeInvalid === null) input.removeAttribute('aria-invalid'); else input.setAttribute('aria-invalid', beforeInvalid);
    });
  }

  function mark(sub, className) {
    const holder = sub.container;
    holder.classList.add(className);
    decorated.push(() => holder.classList.remove(className));
  }

  function goTo(where) {
    const sub = fieldOf(where);
    const tab = tabOf(where.section);
    if (tab) selectTab(tab.id, false);
    if (!sub) return;
    const target = inputOf(sub) || sub.container;
    target.scrollIntoView({ block: 'center' });
    if (target.focus) target.focus();
  }

  function severityWord(problem) { return problem.severity === 'error' ? '错误' : '警告'; }

  function fixButton(problem) {
    if (!problem.fix || state.signed) return null;
    return el('button', { type: 'button', className: 'fix', onclick: () => applyFix(problem) }, '采用建议的值');
  }

  function fixText(problem) {
    if (!problem.fix) return null;
    return el('details', { className: 'fix-text' }, el('summary', {}, '建议的写法（重算的结果）'), el('pre', {}, problem.fix));
  }

  function renderProblems(problems) {
    const list = $('problems');
    list.replaceChildren();
    const mine = problems.filter((p) => !p.other_year);
    const errors = mine.filter((p) => p.severity === 'error').length;
    const warnings = mine.length - errors;
    const others = problems.length - mine.length;
    let summary = errors ? '有 ' + errors + ' 个错误（修正后才能保存）' : '没有错误';
    summary += warnings ? '，' + warnings + ' 条警告' : '';
    summary += others ? '；其他年度另有 ' + others + ' 条提示' : '';
    say('check-summary', summary + '。');
    problems.forEach((problem, index) => {
      const id = 'problem-' + index;
      const where = problem.where;
      const sub = fieldOf(where);
      const item = el('li', { className: problem.severity + (problem.other_year ? ' other-year' : '') },
        el('strong', {}, severityWord(problem) + '：'), problem.message,
        el('span', { className: 'location' }, '（' + problem.location + (problem.other_year ? '，其他年度' : '') + '）'));
      if (sub) item.append(' ', el('button', { type: 'button', className: 'link', onclick: () => goTo(where) }, '转到此处'));
      const fix = fixButton(problem);
      if (fix) item.append(' ', fix);
      const text = fixText(problem);
      if (text) item.append(text);
      list.append(item);
      if (sub && !problem.other_year) {
        const box = el('div', { className: 'field-problem ' + problem.severity, id: id },
          el('strong', {}, severityWord(problem) + '：'), problem.message);
        const here = fixButton(problem);
        if (here) box.append(' ', here);
        attach(sub, box, problem.severity === 'error');
      }
    });
  }

  function renderChanges(changes) {
    const list = $('changes');
    list.replaceChildren();
    if (!changes.length) list.append(el('li', { className: 'none' }, state.signed ? '—' : '没有修改：本年度全部沿用上一年度。'));
    changes.forEach((change, index) => {
      const words = { added: '新增', removed: '删除', changed: '修改' }[change.kind];
      const button = state.signed ? null : el('button', { type: 'button', className: 'link', onclick: () => revert(change.key) },
        change.kind === 'added' ? '撤销新增' : '恢复为沿用值');
      const item = el('li', { className: 'change-' + change.kind },
        el('strong', {}, words + '：'), change.label, el('br'),
        el('span', { className: 'values' }, change.old + ' → ' + change.new), ' ', button);
      list.append(item);
      const sub = fieldOf(change.where);
      if (!sub || state.signed) return;
      const exact = sub.path === change.where.path;
      if (!exact) return;
      mark(sub, change.kind === 'added' ? 'field-added' : 'field-changed');
      const badge = el('div', { className: 'badge', id: 'change-' + index },
        change.kind === 'added' ? '本年度新增' : '本年度修改（沿用值：' + change.old + '）', ' ',
        el('button', { type: 'button', className: 'link', onclick: () => revert(change.key) }, change.kind === 'added' ? '撤销新增' : '恢复'));
      attach(sub, badge, false);
    });
  }

  function renderChips(chips) {
    for (const [key, pieces] of Object.entries(chips || {})) {
      const [section, path] = key.split('|');
      const sub = fieldOf({ section, path });
      if (!sub || sub.path !== path) continue;
      const line = el('div', { className: 'chips', id: 'chips-' + section + '-' + path.replace(/[^A-Za-z0-9]/g, '-') });
      line.append(el('span', { className: 'chips-title' }, '显示为：'));
      for (const piece of pieces) {
        if (piece.text !== undefined) line.append(piece.text);
        else if (piece.code !== undefined) line.append(el('code', { className: 'chip chip-code', title: piece.code }, '（条件/循环）'));
        else if (piece.error) line.append(el('span', { className: 'chip chip-error', title: '{{ ' + piece.expr + ' }}' }, '⚠ ' + piece.label + '：' + piece.error));
        else line.append(el('span', { className: 'chip', title: '{{ ' + piece.expr + ' }}' },
          el('span', { className: 'chip-label' }, piece.label), ' → ', el('span', { className: 'chip-value' }, piece.value)));
      }
      attach(sub, line, false);
    }
  }

  // -- actions -------------------------------------------------------------------------------------------

  async function revert(key) {
    try {
      const result = await call('POST', 'api/revert', Object.assign(collect(), { key }));
      setSections(result.sections);
      say('save-state', '已恢复为沿用值');
      scheduleCheck();
    } catch (error) {
      banner(error.message, error.status === 409);
    }
  }

  async function applyFix(problem) {
    try {
      const result = await call('POST', 'api/fix', Object.assign(collect(), { fix: problem.fix, target: problem.target }));
      setSections(result.sections);
      say('save-state', '已采用建议的值，请核对');
      scheduleCheck();
    } catch (error) {
      banner(error.message, error.status === 409);
    }
  }

  async function save() {
    clearTimeout(state.timer);
    await check();
    if (!state.dirty || !state.valid) { updateSaveState(); return; }
    $('save').disabled = true;
    say('save-state', '正在保存…');
    try {
      const result = await call('POST', 'api/save', collect());
      state.dirty = false;
      const tab = state.tab;
      await openYear(state.year, true);
      selectTab(tab, false);
      say('save-state', result.unchanged ? '没有需要保存的修改' : '已保存到 ' + state.overview.file);
    } catch (error) {
      if (error.status === 409) banner(error.message, true);
      else if (error.data && error.data.problems) banner(error.message + '：' + error.data.problems.join('；'));
      else banner(error.message);
      updateSaveState();
    }
  }

  async function preview(redline) {
    const body = collect();
    body.against = redline ? state.view.inherits_from : null;
    const box = $('preview');
    box.replaceChildren(el('p', {}, '正在排版…'));
    try {
      const result = await call('POST', 'api/preview', body);
      $('doc-style').textContent = result.css;
      box.innerHTML = result.html;  // built by the server from the document model, every text escaped
      box.prepend(el('h3', { id: 'preview-title' }, (redline ? '修订对照预览：' : '合同预览：') + result.title));
      box.setAttribute('aria-labelledby', 'preview-title');
      box.focus();
    } catch (error) {
      box.replaceChildren(el('p', { className: 'error' }, '无法预览：' + error.message +
        (error.data && error.data.problems ? '（请先修正检查结果中的错误）' : '')));
    }
  }

  async function generate(kind) {
    if (state.dirty) {
      say('generate-result', '请先保存：生成 Word 文件使用已保存的合同文件。');
      return;
    }
    say('generate-result', '正在生成…');
    try {
      const result = await call('POST', 'api/generate', { year: state.year, kind, against: state.view.inherits_from });
      say('generate-result', '已生成：' + result.written.join('、') + (result.warnings.length ? '（' + result.warnings.length + ' 条警告）' : ''));
    } catch (error) {
      say('generate-result', '无法生成：' + error.message + (error.data && error.data.problems ? '：' + error.data.problems.join('；') : ''));
    }
  }

  async function start() {
    JSONEditor.defaults.languages.zh = ZH;
    JSONEditor.defaults.language = 'zh';
    $('tabs').addEventListener('keydown', onTabKey);
    $('panels').addEventListener('input', onTyping);
    $('save').addEventListener('click', save);
    $('reload').addEventListener('click', () => openYear(state.year));
    $('new-year').addEventListener('click', newYear);
    $('preview-contract').addEventListener('click', () => preview(false));
    $('preview-redline').addEventListener('click', () => preview(true));
    $('generate-contract').addEventListener('click', () => generate('contract'));
    $('generate-diff').addEventListener('click', () => generate('diff'));
    window.addEventListener('beforeunload', (event) => { if (state.dirty) event.preventDefault(); });
    try {
      await loadOverview();
    } catch (error) {
      banner(error.message);
      return;
    }
    const years = state.overview.years;
    const open = years.filter((entry) => !entry.signed);
    await openYear((open.length ? open[open.length - 1] : years[years.length - 1]).year, true);
  }

  // What the page would send now (read by the browser tests to prove a form gives back what it was given).
  window.editorPage = { payload: collect };
  document.addEventListener('DOMContentLoaded', start);
}());

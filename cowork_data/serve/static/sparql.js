document.querySelectorAll('.example').forEach(a => a.addEventListener('click', ev => {
  ev.preventDefault();
  document.getElementById('query').value = a.dataset.query;
}));

// The tokenizer lexicon: the engine reports unknown words by UTF-8 byte offsets; Qt edits count UTF-16.
#include "models/prompt_lexicon.h"

#include <QObject>

#include "pipeline/generator.h"

namespace kinema::studio {
namespace {

// For each UTF-8 byte offset of `text`, the UTF-16 position it starts in.
std::vector<int> utf16PositionsOfBytes(const QString& text) {
  std::vector<int> positions;
  positions.reserve(static_cast<size_t>(text.size()) * 3 + 1);
  for (int i = 0; i < text.size();) {
    const bool pair = text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate();
    const int units = pair ? 2 : 1;
    const int bytes = QString(text.constData() + i, units).toUtf8().size();
    for (int b = 0; b < bytes; ++b) positions.push_back(i);
    i += units;
  }
  positions.push_back(static_cast<int>(text.size()));
  return positions;
}

}  // namespace

ModelLexicon::ModelLexicon(std::shared_ptr<const pipeline::Generator> generator)
    : generator_(std::move(generator)) {
  for (const std::string& word : generator_->known_words()) known_ << QString::fromStdString(word);
  const QString name = QString::fromStdString(generator_->config().name);
  source_ = generator_->config().dit.guide_channels > 0
                ? QObject::tr("model %1 (what Kinema World understands)").arg(name)
                : QObject::tr("the tokenizer of model %1").arg(name);
}

QList<PromptLexicon::Word> ModelLexicon::unknownWords(const QString& text) const {
  const QByteArray utf8 = text.toUtf8();
  const auto positions = utf16PositionsOfBytes(text);
  QList<Word> words;
  for (const auto& w : generator_->unknown_words(utf8.toStdString())) {
    const int start = positions[w.offset];
    const int end = positions[w.offset + w.length];
    words.append({start, end - start, text.mid(start, end - start)});
  }
  return words;
}

QString unknownWordTip(const PromptLexicon& lexicon, const QString& word, int maxWords) {
  // Single letters are mostly word beginnings the tokenizer keeps, not words: leave them out of the hint.
  QStringList known;
  for (const QString& w : lexicon.knownWords())
    if (w.size() > 1) known << w;
  QStringList shown = known.mid(0, maxWords);
  QString list = shown.join(QStringLiteral(", "));
  if (known.size() > shown.size()) list += QObject::tr(", … (%1 more)").arg(known.size() - shown.size());
  return QObject::tr("<b>%1</b> is not a word the model knows (%2), so it will not steer the picture.<br/>"
                     "Words it knows: %3")
      .arg(word.toHtmlEscaped(), lexicon.source().toHtmlEscaped(), list.toHtmlEscaped());
}

}  // namespace kinema::studio

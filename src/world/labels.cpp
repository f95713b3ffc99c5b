// Names of the label map's values.
#include "world/labels.h"

namespace kinema::world {

std::string label_name(uint8_t label) {
  if (label == kLabelSky) return "sky";
  if (label == kLabelSun) return "sun or moon";
  if (label < kLabelThings) return "floor " + std::string(name(static_cast<Material>(label - kLabelFloor)));
  if (label < kLabelFragment) {
    const int i = label - kLabelThings;
    return std::string(name(static_cast<Kind>(i / kColours))) + " " + std::string(name(static_cast<Colour>(i % kColours)));
  }
  if (label < kLabelCount) return "glass fragment " + std::string(name(static_cast<Colour>(label - kLabelFragment)));
  return "";
}

}  // namespace kinema::world
